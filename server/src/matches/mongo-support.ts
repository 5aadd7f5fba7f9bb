import { MongoServerError, type Collection, type Document, type Filter, type IndexDescription, type UpdateFilter } from "mongodb";

/**
 * Helpers shared by the MongoDB adapters of this folder. They use no
 * transactions and no change streams, so they work on FerretDB 1.x too.
 */

/**
 * A map key that MongoDB (and FerretDB) accept: `%`, `.` and a leading `$`
 * are percent-encoded. Player ids and display names may contain any of them.
 */
export function escapeKey(key: string): string {
  return key.replace(/%/g, "%25").replace(/\./g, "%2E").replace(/^\$/, "%24");
}

export function unescapeKey(key: string): string {
  return key.replace(/%(25|2E|24)/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
}

export function mapKeys<V>(record: Record<string, V>, rename: (key: string) => string): Record<string, V> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [rename(key), value]));
}

/** The unique index refused the write (E11000). */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Upserts the document of `matchId` unless the stored one's `guard` field is
 * greater than `value`; returns whether it wrote. With a unique index on
 * `match_id`, the upsert's filter `{match_id, guard <= value}` fails to match
 * a newer document and its insert then hits the index (E11000), which is how
 * "newer" is detected without a transaction. The same error from two first
 * inserts racing is told apart by reading the winner and trying again.
 */
export async function upsertUnlessNewer<T extends Document>(
  collection: Collection<T>,
  matchId: string,
  guard: string,
  value: number | Date,
  update: UpdateFilter<T>,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await collection.updateOne({ match_id: matchId, [guard]: { $lte: value } } as unknown as Filter<T>, update, { upsert: true });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= 2) throw error;
      const stored = await collection.findOne({ match_id: matchId } as unknown as Filter<T>, { projection: { [guard]: 1 } });
      if (stored && (stored[guard] as number | Date) > value) return false;
    }
  }
}

/**
 * Creates `indexes` one at a time. FerretDB 1.24 drops the connection when
 * one `createIndexes` command names several indexes that already exist, so
 * the batched form is not safe to repeat on start-up there.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: IndexDescription[]): Promise<void> {
  for (const index of indexes) await collection.createIndexes([index]);
}
