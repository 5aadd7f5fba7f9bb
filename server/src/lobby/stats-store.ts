import type { GameStats, ObservedStats, PlayerStatsAggregate } from "@gamejournal/shared";
import { z } from "zod";
import { parseWith } from "../http/validate.ts";
import { parseAt } from "./game-store.ts";
import { isUserId, toGameId } from "./ids.ts";

/**
 * The per-game, per-player stats aggregate (the seed's
 * `ports.GameTurnStatsStore`), fed by every `player_turn_stats` the Game
 * Master sends. Adapters: `stats-store-mongo.ts`, `stats-store-sqlite.ts`;
 * both pass test/lobby/stats-store.test.ts.
 *
 * Guarantees every adapter keeps:
 *
 * 1. `initial` is the first observation of a player in a game, frozen: of
 *    any number of `saveInitial` calls, concurrent or replayed, exactly one
 *    call's values are kept (all three components from that one call), on
 *    FerretDB 1.x too; the others change nothing.
 * 2. `max` holds each component's highest value ever passed to `updateMax`,
 *    whatever the order and concurrency of the calls: no raise is lost.
 *    Replaying an observation changes nothing.
 * 3. Within one call a player listed twice counts as the first line for
 *    `initial` and as the component-wise maximum of its lines for `max`.
 * 4. The store does not check the game exists (stats may arrive for a game
 *    this lobby does not know; they are simply kept).
 * 5. Bad input is a ValidationError naming the field (e.g.
 *    `players[1].planets`), and nothing of the call is written.
 */
export interface StatsStore {
  /** Creates the tables / indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  saveInitial(gameId: string, players: readonly PlayerObservation[], at: number): Promise<void>;
  updateMax(gameId: string, players: readonly PlayerObservation[], at: number): Promise<void>;
  /** Every player observed in the game, by user id; no players for a game never observed. */
  get(gameId: string): Promise<GameStats>;
}

/** One line of the Game Master's `player_turn_stats`. */
export interface PlayerObservation extends ObservedStats {
  user_id: string;
}

const counter = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const ObservationSchema = z.object({
  user_id: z.string().refine(isUserId, "expected 1 to 128 characters without whitespace"),
  planets: counter,
  population: counter,
  ships_built: counter,
});
const PlayersSchema = z.object({ players: z.array(ObservationSchema) });

export interface ParsedObservations {
  gameId: string;
  at: number;
  /** One line per player, in first-seen order: its first line (`initial`) or its lines' maximum (`max`). */
  players: PlayerObservation[];
}

export function parseObservations(gameId: unknown, players: unknown, at: unknown, merge: "first" | "max"): ParsedObservations {
  const id = toGameId(gameId);
  const { players: lines } = parseWith(PlayersSchema, { players });
  const byUser = new Map<string, PlayerObservation>();
  for (const line of lines) {
    const seen = byUser.get(line.user_id);
    byUser.set(line.user_id, seen === undefined ? line : merge === "first" ? seen : { user_id: line.user_id, ...maxOf(seen, line) });
  }
  return { gameId: id, at: parseAt(at), players: [...byUser.values()] };
}

export function maxOf(a: ObservedStats, b: ObservedStats): ObservedStats {
  return { planets: Math.max(a.planets, b.planets), population: Math.max(a.population, b.population), ships_built: Math.max(a.ships_built, b.ships_built) };
}

export function sameStats(a: ObservedStats, b: ObservedStats): boolean {
  return a.planets === b.planets && a.population === b.population && a.ships_built === b.ships_built;
}

/** The aggregate from each player's initial and max (either may be missing), sorted by user id. */
export function toGameStats(gameId: string, initial: Map<string, ObservedStats>, max: Map<string, ObservedStats>): GameStats {
  const users = [...new Set([...initial.keys(), ...max.keys()])].sort();
  const players: PlayerStatsAggregate[] = users.map((user_id) => ({ user_id, initial: initial.get(user_id) ?? null, max: max.get(user_id) ?? null }));
  return { game_id: gameId, players };
}

export function statsOf(row: ObservedStats): ObservedStats {
  return { planets: row.planets, population: row.population, ships_built: row.ships_built };
}
