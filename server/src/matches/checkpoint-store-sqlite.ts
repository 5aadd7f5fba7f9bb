import type { Database } from "bun:sqlite";
import type { Clock } from "../platform/clock.ts";
import type { MatchAggregate } from "./aggregate-state.ts";
import { parseCheckpoint, type MatchCheckpoint, type MatchCheckpointStore } from "./checkpoint-store.ts";

interface Row {
  match_id: string;
  aggregate: string;
  saved_at: number;
}

/**
 * `MatchCheckpointStore` on the embedded SQLite document database: one row a
 * match in `match_checkpoints`. The compare-and-set is one statement: an
 * insert that does nothing on a conflict when there is no basis, else an
 * update filtered on `entries` and `ended`.
 */
export class SqliteMatchCheckpointStore implements MatchCheckpointStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    { clock }: { clock: Clock },
  ) {
    if (!db) throw new Error("new sqlite match checkpoint store: no database handle");
    if (!clock) throw new Error("new sqlite match checkpoint store: no clock");
    this.clock = clock;
  }

  async init(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS match_checkpoints (
        match_id TEXT PRIMARY KEY,
        entries INTEGER NOT NULL,
        ended INTEGER NOT NULL,
        positions TEXT NOT NULL,
        aggregate TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS match_checkpoints_open ON match_checkpoints (ended, saved_at);
    `);
  }

  async save(aggregate: MatchAggregate, basis: number | null): Promise<boolean> {
    const row = {
      match_id: aggregate.match_id,
      entries: aggregate.entries,
      ended: aggregate.ended ? 1 : 0,
      positions: JSON.stringify(aggregate.positions),
      aggregate: JSON.stringify(aggregate),
      saved_at: this.clock.now(),
    };
    const { changes } =
      basis === null
        ? this.db
            .query(
              `INSERT INTO match_checkpoints (match_id, entries, ended, positions, aggregate, saved_at)
               VALUES ($match_id, $entries, $ended, $positions, $aggregate, $saved_at) ON CONFLICT (match_id) DO NOTHING`,
            )
            .run(row)
        : this.db
            .query(
              `UPDATE match_checkpoints SET entries = $entries, ended = $ended, positions = $positions, aggregate = $aggregate, saved_at = $saved_at
               WHERE match_id = $match_id AND entries = $basis AND ended = 0`,
            )
            .run({ ...row, basis });
    return changes > 0;
  }

  async load(matchId: string): Promise<MatchCheckpoint | null> {
    const row = this.db.query<Row, [string]>("SELECT match_id, aggregate, saved_at FROM match_checkpoints WHERE match_id = ?").get(matchId);
    return row ? parseCheckpoint(row.match_id, row.aggregate, row.saved_at) : null;
  }

  async delete(matchId: string): Promise<void> {
    this.db.query("DELETE FROM match_checkpoints WHERE match_id = ?").run(matchId);
  }

  async listOpen(): Promise<MatchCheckpoint[]> {
    return this.list(false);
  }

  async listEnded(): Promise<MatchCheckpoint[]> {
    return this.list(true);
  }

  private list(ended: boolean): MatchCheckpoint[] {
    const rows = this.db
      .query<Row, [number]>("SELECT match_id, aggregate, saved_at FROM match_checkpoints WHERE ended = ? ORDER BY saved_at, match_id")
      .all(ended ? 1 : 0);
    return rows.map((row) => parseCheckpoint(row.match_id, row.aggregate, row.saved_at));
  }
}
