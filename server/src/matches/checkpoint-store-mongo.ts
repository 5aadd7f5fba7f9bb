import type { Collection, Db } from "mongodb";
import type { Clock } from "../platform/clock.ts";
import type { MatchAggregate } from "./aggregate-state.ts";
import { parseCheckpoint, type MatchCheckpoint, type MatchCheckpointStore } from "./checkpoint-store.ts";
import { ensureIndexes, isDuplicateKey } from "./mongo-support.ts";

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
 * `collection` (default `match_checkpoints`), unique on `match_id`. The
 * compare-and-set is an insert when there is no basis (the unique index
 * refuses a second) and else an update filtered on `entries` and `ended`.
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

  async save(aggregate: MatchAggregate, basis: number | null): Promise<boolean> {
    const doc: CheckpointDocument = {
      match_id: aggregate.match_id,
      entries: aggregate.entries,
      ended: aggregate.ended !== null,
      positions: Object.entries(aggregate.positions).map(([stream, id]) => ({ stream, id })),
      aggregate: JSON.stringify(aggregate),
      saved_at: new Date(this.clock.now()),
    };
    if (basis === null) {
      try {
        await this.checkpoints.insertOne(doc);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    const { matchedCount } = await this.checkpoints.updateOne({ match_id: aggregate.match_id, entries: basis, ended: false }, { $set: doc });
    return matchedCount === 1;
  }

  async load(matchId: string): Promise<MatchCheckpoint | null> {
    const doc = await this.checkpoints.findOne({ match_id: matchId });
    return doc ? parseCheckpoint(doc.match_id, doc.aggregate, doc.saved_at.getTime()) : null;
  }

  async delete(matchId: string): Promise<void> {
    await this.checkpoints.deleteOne({ match_id: matchId });
  }

  listOpen(): Promise<MatchCheckpoint[]> {
    return this.list(false);
  }

  listEnded(): Promise<MatchCheckpoint[]> {
    return this.list(true);
  }

  private async list(ended: boolean): Promise<MatchCheckpoint[]> {
    const docs = await this.checkpoints.find({ ended }).sort({ saved_at: 1, match_id: 1 }).toArray();
    return docs.map((doc) => parseCheckpoint(doc.match_id, doc.aggregate, doc.saved_at.getTime()));
  }
}
