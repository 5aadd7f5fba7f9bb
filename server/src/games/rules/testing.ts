import type { Caravan, GameCommandBody, GameEvent, MerchantCard, PointCard } from "@gamejournal/shared";
import { MERCHANT_CARDS, POINT_CARDS } from "./cards.ts";
import { decide } from "./decide.ts";
import type { Decision } from "./decision.ts";
import { evolve } from "./evolve.ts";
import { create, join } from "./lobby.ts";
import { DEFAULT_GAME_SETTINGS, type GameSettings } from "./settings.ts";
import { spicesOf } from "./cards.ts";
import { full } from "./spices.ts";
import { initialState, withPlayer, type GameState, type PlayerState } from "./state.ts";

/**
 * Helpers for the rules' tests (and for other tests that need a game in a
 * given position): start games, apply commands, and set up positions by hand.
 */

/** A game with every seat taken (so started), as folded from its events. */
export function startedGame(numPlayers: number, options: { seed?: string; settings?: Partial<GameSettings> } = {}) {
  const events: GameEvent[] = [];
  let state = initialState();
  const take = (d: Decision) => {
    if (!d.ok) throw new Error(`${d.code}: ${d.message}`);
    for (const e of d.events) state = evolve(state, e);
    events.push(...d.events);
  };
  take(create(state, { gameId: "g1", numPlayers, seed: options.seed ?? "test-seed", settings: { ...DEFAULT_GAME_SETTINGS, ...options.settings }, at: "2025-01-01T00:00:00.000Z" }));
  for (let i = 1; i <= numPlayers; i++) take(join(state, { name: `player ${i}` }));
  return { state, events };
}

let counter = 0;
/** A command with a fresh commandId. */
export const cmd = <T extends GameCommandBody>(command: T): T & { commandId: string } => ({ commandId: `c${++counter}`, ...command });

/** Decides and folds; throws on a rejection. */
export function act(state: GameState, playerId: number, command: GameCommandBody): { state: GameState; events: GameEvent[] } {
  const d = decide(state, cmd(command), { playerId });
  if (!d.ok) throw new Error(`expected acceptance, got ${d.code}: ${d.message}`);
  return { state: d.events.reduce(evolve, state), events: d.events };
}

/** The rejection code (and message) of a command, or "accepted". */
export function rejection(state: GameState, playerId: number, command: unknown): string {
  const d = decide(state, command, { playerId });
  return d.ok ? "accepted" : d.code;
}

/** Spices from letters: `c("YYR")`. */
export const c = (letters: string): Caravan => full(spicesOf(letters));

/** Sets fields of one player. */
export const setPlayer = (state: GameState, playerId: number, patch: Partial<PlayerState>): GameState =>
  withPlayer(state, playerId, (p) => ({ ...p, ...patch }));

/** A merchant card of the deck by its notation (`"YY>RR"`, `"YG"`, `"up3"`). */
export function merchant(notation: string): MerchantCard {
  const found = MERCHANT_CARDS.find((card) => {
    if (notation === "up3") return card.kind === "upgrade";
    const [cost, gain] = notation.includes(">") ? notation.split(">") : [undefined, notation];
    const same = (a: object | undefined, b: object) => JSON.stringify(full(a)) === JSON.stringify(full(b));
    return cost === undefined ? card.kind === "spice" && same(card.gain, spicesOf(gain!)) : card.kind === "trade" && same(card.cost, spicesOf(cost)) && same(card.gain, spicesOf(gain!));
  });
  if (!found) throw new Error(`no merchant card ${notation}`);
  return found;
}

/** A point card by its cost letters (the first with that cost). */
export function pointCardOf(cost: string): PointCard {
  const found = POINT_CARDS.find((card) => JSON.stringify(full(card.cost)) === JSON.stringify(c(cost)));
  if (!found) throw new Error(`no point card costing ${cost}`);
  return found;
}

/** Event types, for compact assertions. */
export const types = (events: GameEvent[]): string[] => events.map((e) => e.type);

/** Recursively freezes a value, to prove the rules never write into their inputs. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
