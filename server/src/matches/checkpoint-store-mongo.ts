import type { Collection, Db } from "mongodb";
import type { Clock } from "../platform/clock.ts";
import type { MatchAggregate } from "./aggregate-state.ts";
import { parseCheckpoint, type MatchCheckpoint, type MatchCheckpointStore } from "./checkpoint-store.ts";
import { ensureIndexes, upsertUnlessNewer } from "./mongo-support.ts";

/** A checkpoint as stored. The aggregate is kept as JSON text: it round-trips exactly and its keys need no escaping. */
interface CheckpointDocument {
  match_id: string;
  entries: number;
  ended: boolean;
  /** The journal positions the aggregate covers, readable without parsing it. */
  positions: Array<{ stream: string; id: string }>;
  aggregate: string;
  saved_at: Date;
}

/**
 * `MatchCheckpointStore` on MongoDB (or FerretDB): one document a match in
 * `collection` (default `match_checkpoints`), unique on `match_id`. "Never
 * fewer entries" is an upsert guarded by `entries` (see `upsertUnlessNewer`).
 */
export class MongoMatchCheckpointStore implements MatchCheckpointStore {
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly clock: Clock;

  constructor(db: Db, { clock, collection = "match_checkpoints" }: { clock: Clock; collection?: string }) {
    if (!db) throw new Error("new mongo match checkpoint store: no database handle");
    if (!clock) throw new Error("new mongo match checkpoint store: no clock");
    this.checkpoints = db.collection<CheckpointDocument>(collection);
    this.clock = clock;
  }

  async init(): Promise<void> {
    await ensureIndexes(this.checkpoints, [
      { key: { match_id: 1 }, name: "match_id_unique", unique: true },
      { key: { ended: 1, saved_at: 1 }, name: "open_by_saved_at" },
    ]);
  }

  async save(aggregate: MatchAggregate): Promise<boolean> {
    return upsertUnlessNewer(this.checkpoints, aggregate.match_id, "entries", aggregate.entries, {
      $set: {
        match_id: aggregate.match_id,
        entries: aggregate.entries,
        ended: aggregate.ended !== null,
        positions: Object.entries(aggregate.positions).map(([stream, id]) => ({ stream, id })),
        aggregate: JSON.stringify(aggregate),
        saved_at: new Date(this.clock.now()),
      },
    });
  }

  async load(matchId: string): Promise<MatchCheckpoint | null> {
    const doc = await this.checkpoints.findOne({ match_id: matchId });
    return doc ? parseCheckpoint(doc.match_id, doc.aggregate, doc.saved_at.getTime()) : null;
  }

  async delete(matchId: string): Promise<void> {
    await this.checkpoints.deleteOne({ match_id: matchId });
  }

  async listOpen(): Promise<MatchCheckpoint[]> {
    const docs = await this.checkpoints.find({ ended: false }).sort({ saved_at: 1, match_id: 1 }).toArray();
    return docs.map((doc) => parseCheckpoint(doc.match_id, doc.aggregate, doc.saved_at.getTime()));
  }
}
