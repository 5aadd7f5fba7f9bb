import type { Collection, Db } from "mongodb";
import type { Clock } from "../platform/clock.ts";
import { ensureIndexes, guardMongo, isDuplicateKey } from "./mongo-support.ts";
import { parseOffset, type OffsetStore } from "./offset-store.ts";

interface OffsetDocument {
  label: string;
  id: string;
  saved_at: Date;
}

/** `OffsetStore` on MongoDB (or FerretDB): one document a label in `lobby_stream_offsets`, unique on label, upserted. */
export class MongoOffsetStore implements OffsetStore {
  private readonly offsets: Collection<OffsetDocument>;
  private readonly clock: Clock;

  constructor(db: Db, { clock }: { clock: Clock }) {
    if (!db) throw new Error("new mongo offset store: no database handle");
    if (!clock) throw new Error("new mongo offset store: no clock");
    this.offsets = db.collection("lobby_stream_offsets");
    this.clock = clock;
  }

  async init(): Promise<void> {
    await ensureIndexes(this.offsets, [{ key: { label: 1 }, name: "label_unique", unique: true }]);
  }

  async load(label: string): Promise<{ id: string; found: boolean }> {
    const doc = await guardMongo("load stream offset", () => this.offsets.findOne({ label: parseOffset(label).label }));
    return doc ? { id: doc.id, found: true } : { id: "", found: false };
  }

  async save(label: string, id: string): Promise<void> {
    const input = parseOffset(label, id);
    const doc = { label: input.label, id: input.id, saved_at: new Date(this.clock.now()) };
    await guardMongo("save stream offset", async () => {
      try {
        await this.offsets.replaceOne({ label: input.label }, doc, { upsert: true });
      } catch (error) {
        // Two first saves raced to insert; the document exists now, so replace it.
        if (!isDuplicateKey(error)) throw error;
        await this.offsets.replaceOne({ label: input.label }, doc);
      }
    });
  }
}
