import { MongoServerError, type Collection, type Document, type IndexDescription } from "mongodb";
import { guardMongo } from "../backends/mongo.ts";

/**
 * Helpers of the lobby's MongoDB adapters. FerretDB 1.x applies a filtered
 * update (and `$max`, `$set` on a matched document, upserts) as a read
 * followed by a whole-document write, without a transaction: two writers of
 * one document can both "match" and the later write undoes the earlier. What
 * it does apply atomically is an insert into a unique index. So every
 * compare-and-set here is an insert (the loser gets E11000), and a document
 * that several writers may change is split into documents of one writer each.
 */

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** Inserts `doc`; false when the unique index already holds its key. */
export async function insertUnique<T extends Document>(operation: string, collection: Collection<T>, doc: T): Promise<boolean> {
  return guardMongo(operation, async () => {
    try {
      await collection.insertOne(doc as never);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  });
}

/**
 * Creates `indexes` one at a time. FerretDB 1.24 drops the connection when
 * one `createIndexes` command names several indexes that already exist.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: IndexDescription[]): Promise<void> {
  for (const index of indexes) await guardMongo("create lobby indexes", () => collection.createIndexes([index]));
}

export { guardMongo };
