import { MatchSummarySchema, type MatchSummary, type MatchSummaryPage } from "@gamejournal/shared";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";

/**
 * Where match summaries live (seed 000's `matchSummaryStore`). Adapters:
 * `summary-store-mongo.ts` (MongoDB, collection `match_summaries`) and
 * `summary-store-sqlite.ts` (embedded); both pass the one contract suite in
 * test/matches/stores.test.ts.
 *
 * Guarantees every adapter keeps:
 *
 * 1. One summary per `match_id` (a unique index), however often and from
 *    however many workers it is stored.
 * 2. `store` is an idempotent upsert: storing the same summary again changes
 *    nothing; the first stored `created_at` of a match is kept for good, every
 *    other field is replaced by the newer summary.
 * 3. Never backwards: a summary whose `updated_at` is older than the stored
 *    one's is not written (`store` returns false), so a late or replaying
 *    worker cannot roll a match back. Equal or newer is written (true).
 *    On MongoDB and SQLite this holds for concurrent writers too; FerretDB
 *    1.x does not apply a filtered update atomically, so there two writers
 *    of one match at the same instant may leave the older (the summary
 *    worker has one writer a match, so this does not arise in normal use).
 * 4. `list` returns newest `created_at` first, ties broken by `match_id`
 *    (descending), and since a match's `created_at` never changes its cursor
 *    is stable: paging on never repeats or skips a summary, whatever is
 *    stored meanwhile (summaries newer than the first page show up on a new
 *    first page).
 * 5. Times are kept to the millisecond and read back as ISO 8601 in UTC.
 * 6. Bad input (a summary or list option that does not match the schema, a
 *    cursor this store did not make) is a ValidationError naming the field,
 *    and changes nothing. A driver error always rejects.
 */
export interface MatchSummaryStore {
  /** Creates the tables / indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Writes `summary` unless a newer one is stored; returns whether it was written. */
  store(summary: MatchSummary): Promise<boolean>;
  /** The match's summary, or null when none is stored. */
  get(matchId: string): Promise<MatchSummary | null>;
  list(options?: MatchSummaryListOptions): Promise<MatchSummaryPage>;
}

export interface MatchSummaryListOptions {
  /** Only matches this player (an entry of `players`) played in. */
  playerId?: string;
  /** Only matches created at or after this time. */
  from?: Date | string;
  /** Only matches created before this time. */
  to?: Date | string;
  /** Page size, 1..500; default 50. */
  limit?: number;
  /** The previous page's `next_cursor`. */
  cursor?: string | null;
}

/** The list options as adapters use them: times in epoch ms, the cursor decoded. */
export interface ListQuery {
  playerId: string | undefined;
  from: number | undefined;
  to: number | undefined;
  limit: number;
  /** Return only summaries sorting after this one. */
  after: { created_at: number; match_id: string } | undefined;
}

const time = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((t) => (t instanceof Date ? t.getTime() : Date.parse(t)));
const ListOptionsSchema = z.object({
  playerId: z.string().min(1).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).nullish(),
});

export function parseSummary(summary: unknown): MatchSummary {
  return parseWith(MatchSummarySchema, summary);
}

export function parseListOptions(options: unknown): ListQuery {
  const { playerId, from, to, limit, cursor } = parseWith(ListOptionsSchema, options ?? {});
  for (const [field, value] of [["from", from], ["to", to]] as const) {
    if (Number.isNaN(value)) throw new ValidationError(`${field}: not a time`, field);
  }
  return { playerId, from, to, limit, after: cursor ? decodeCursor(cursor) : undefined };
}

/** The cursor that continues a listing after `summary`. */
export function encodeCursor(summary: Pick<MatchSummary, "created_at" | "match_id">): string {
  return Buffer.from(JSON.stringify([Date.parse(summary.created_at), summary.match_id])).toString("base64url");
}

function decodeCursor(cursor: string): ListQuery["after"] {
  try {
    const [created_at, match_id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof created_at === "number" && Number.isSafeInteger(created_at) && typeof match_id === "string") return { created_at, match_id };
  } catch {
    // reported below
  }
  throw new ValidationError("cursor: not a cursor this listing returned", "cursor");
}

/** A page of `limit` from `rows` fetched with `limit + 1` (the extra row only says there is more). */
export function toPage(rows: MatchSummary[], limit: number): MatchSummaryPage {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** An ISO time normalised to milliseconds in UTC, as stores read it back. */
export function toMillisIso(time: string): string {
  return new Date(Date.parse(time)).toISOString();
}
