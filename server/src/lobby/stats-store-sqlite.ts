import type { Database } from "bun:sqlite";
import type { GameStats, ObservedStats } from "@gamejournal/shared";
import { toGameId } from "./ids.ts";
import { parseObservations, statsOf, toGameStats, type PlayerObservation, type StatsStore } from "./stats-store.ts";

interface Row extends ObservedStats {
  user_id: string;
}

/**
 * `StatsStore` on the embedded SQLite document database: `initial` rows are
 * `INSERT … ON CONFLICT DO NOTHING` (the first one stays), `max` rows an
 * upsert raising each column with SQLite's `max()`. A call is one
 * transaction, so it is written whole or not at all.
 */
export class SqliteStatsStore implements StatsStore {
  constructor(private readonly db: Database) {
    if (!db) throw new Error("new sqlite stats store: no database handle");
  }

  async init(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS lobby_stats_initial (
        game_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        planets INTEGER NOT NULL,
        population INTEGER NOT NULL,
        ships_built INTEGER NOT NULL,
        observed_at INTEGER NOT NULL,
        PRIMARY KEY (game_id, user_id)
      );
      CREATE TABLE IF NOT EXISTS lobby_stats_max (
        game_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        planets INTEGER NOT NULL,
        population INTEGER NOT NULL,
        ships_built INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (game_id, user_id)
      );
    `);
  }

  async saveInitial(gameId: string, players: readonly PlayerObservation[], at: number): Promise<void> {
    const input = parseObservations(gameId, players, at, "first");
    const insert = this.db.query(
      `INSERT INTO lobby_stats_initial (game_id, user_id, planets, population, ships_built, observed_at)
       VALUES ($game_id, $user_id, $planets, $population, $ships_built, $at) ON CONFLICT DO NOTHING`,
    );
    this.db.transaction(() => {
      for (const p of input.players) insert.run({ game_id: input.gameId, at: input.at, ...p });
    }).immediate();
  }

  async updateMax(gameId: string, players: readonly PlayerObservation[], at: number): Promise<void> {
    const input = parseObservations(gameId, players, at, "max");
    const upsert = this.db.query(
      `INSERT INTO lobby_stats_max (game_id, user_id, planets, population, ships_built, updated_at)
       VALUES ($game_id, $user_id, $planets, $population, $ships_built, $at)
       ON CONFLICT (game_id, user_id) DO UPDATE SET
         planets = max(planets, excluded.planets),
         population = max(population, excluded.population),
         ships_built = max(ships_built, excluded.ships_built),
         updated_at = excluded.updated_at
       WHERE excluded.planets > planets OR excluded.population > population OR excluded.ships_built > ships_built`,
    );
    this.db.transaction(() => {
      for (const p of input.players) upsert.run({ game_id: input.gameId, at: input.at, ...p });
    }).immediate();
  }

  async get(gameId: string): Promise<GameStats> {
    const id = toGameId(gameId);
    const read = (table: string) =>
      new Map(
        this.db
          .query<Row, [string]>(`SELECT user_id, planets, population, ships_built FROM ${table} WHERE game_id = ?`)
          .all(id)
          .map((row) => [row.user_id, statsOf(row)] as const),
      );
    return toGameStats(id, read("lobby_stats_initial"), read("lobby_stats_max"));
  }
}
