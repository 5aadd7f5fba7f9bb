import type { Database } from "bun:sqlite";
import type { Clock } from "../platform/clock.ts";
import { parseOffset, type OffsetStore } from "./offset-store.ts";

/** `OffsetStore` on the embedded SQLite document database: one row a label in `lobby_stream_offsets`. */
export class SqliteOffsetStore implements OffsetStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    { clock }: { clock: Clock },
  ) {
    if (!db) throw new Error("new sqlite offset store: no database handle");
    if (!clock) throw new Error("new sqlite offset store: no clock");
    this.clock = clock;
  }

  async init(): Promise<void> {
    this.db.exec("CREATE TABLE IF NOT EXISTS lobby_stream_offsets (label TEXT PRIMARY KEY, id TEXT NOT NULL, saved_at INTEGER NOT NULL)");
  }

  async load(label: string): Promise<{ id: string; found: boolean }> {
    const row = this.db.query<{ id: string }, [string]>("SELECT id FROM lobby_stream_offsets WHERE label = ?").get(parseOffset(label).label);
    return row ? { id: row.id, found: true } : { id: "", found: false };
  }

  async save(label: string, id: string): Promise<void> {
    const input = parseOffset(label, id);
    this.db
      .query("INSERT INTO lobby_stream_offsets (label, id, saved_at) VALUES (?, ?, ?) ON CONFLICT (label) DO UPDATE SET id = excluded.id, saved_at = excluded.saved_at")
      .run(input.label, input.id, this.clock.now());
  }
}
