import type { Database } from "bun:sqlite";
import type { EvaluationGuardStore } from "./evaluation-guard-store.ts";
import { parseAt } from "./game-store.ts";
import { toGameId } from "./ids.ts";

/** `EvaluationGuardStore` on the embedded SQLite document database: `tryMark` is `INSERT … ON CONFLICT DO NOTHING`. */
export class SqliteEvaluationGuardStore implements EvaluationGuardStore {
  constructor(private readonly db: Database) {
    if (!db) throw new Error("new sqlite evaluation guard store: no database handle");
  }

  async init(): Promise<void> {
    this.db.exec("CREATE TABLE IF NOT EXISTS lobby_evaluation_guards (game_id TEXT PRIMARY KEY, marked_at INTEGER NOT NULL)");
  }

  async tryMark(gameId: string, at: number): Promise<boolean> {
    const { changes } = this.db
      .query("INSERT INTO lobby_evaluation_guards (game_id, marked_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .run(toGameId(gameId), parseAt(at));
    return changes > 0;
  }

  async markedAt(gameId: string): Promise<number | null> {
    const row = this.db.query<{ marked_at: number }, [string]>("SELECT marked_at FROM lobby_evaluation_guards WHERE game_id = ?").get(toGameId(gameId));
    return row?.marked_at ?? null;
  }
}
