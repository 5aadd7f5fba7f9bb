import type { Database } from "bun:sqlite";
import type { CapabilityEvaluation } from "@gamejournal/shared";
import { parseCapability, type CapabilityInput, type CapabilityStore } from "./capability-store.ts";
import { iso } from "./game-store.ts";
import { toGameId } from "./ids.ts";

interface Row {
  game_id: string;
  evaluated_at: number;
  finished_at: number;
  players: string;
}

/** `CapabilityStore` on the embedded SQLite document database: one row a game, `INSERT … ON CONFLICT DO NOTHING`. */
export class SqliteCapabilityStore implements CapabilityStore {
  constructor(private readonly db: Database) {
    if (!db) throw new Error("new sqlite capability store: no database handle");
  }

  async init(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS lobby_capabilities (
        game_id TEXT PRIMARY KEY,
        evaluated_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        players TEXT NOT NULL
      )
    `);
  }

  async save(gameId: string, evaluation: CapabilityInput): Promise<CapabilityEvaluation> {
    const input = parseCapability(gameId, evaluation);
    this.db
      .query("INSERT INTO lobby_capabilities (game_id, evaluated_at, finished_at, players) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .run(input.gameId, input.evaluatedAt, input.finishedAt, JSON.stringify(input.players));
    return (await this.get(input.gameId))!;
  }

  async get(gameId: string): Promise<CapabilityEvaluation | null> {
    const row = this.db.query<Row, [string]>("SELECT * FROM lobby_capabilities WHERE game_id = ?").get(toGameId(gameId));
    if (!row) return null;
    return { game_id: row.game_id, evaluated_at: iso(row.evaluated_at), finished_at: iso(row.finished_at), players: JSON.parse(row.players) };
  }
}
