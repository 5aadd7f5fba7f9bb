import {
  MATCH_LIST_DEFAULT_LIMIT,
  MATCH_LIST_MAX_LIMIT,
  MatchSummarySchema,
  type AbandonCountList,
  type MatchSummary,
  type MatchSummaryPage,
  type PlayerMatchPage,
} from "@gamejournal/shared";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";
import { playerLine } from "./summary-lines.ts";

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
 * 7. `replace` is a compare-and-set: it writes only while the stored summary
 *    is still the one the caller read (same `updated_at`, or still none), so
 *    a rebuild never overwrites blindly what the live worker wrote meanwhile.
 *    Unlike `store` it may go back in time and replaces every field,
 *    `created_at` included: it is how a rebuild restores a summary exactly.
 *    (Atomic on MongoDB and SQLite; on FerretDB 1.x see point 3.)
 * 8. Queries read what the summaries say: `playerMatches` is `list` of the
 *    player's matches with their own line (`playerLine`); `abandonCounts`
 *    counts, per player, matches created in the period where their
 *    participant state is `abandoned`; the map and match type filters match
 *    `map_name` / `match_type` in `match_label` exactly. A summary stored
 *    before round 2 reads back with empty goals and participants and a null
 *    outcome (`withRound2Defaults`) and counts in none of these until rebuilt.
 */
export interface MatchSummaryStore {
  /** Creates the tables / indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Writes `summary` unless a newer one is stored; returns whether it was written. */
  store(summary: MatchSummary): Promise<boolean>;
  /** The match's summary, or null when none is stored. */
  get(matchId: string): Promise<MatchSummary | null>;
  list(options?: MatchSummaryListOptions): Promise<MatchSummaryPage>;
  /**
   * The rebuild's write (point 7): replaces the match's summary whole if the
   * stored one's `updated_at` is still `expected` (null: only if none is
   * stored). Returns whether it wrote; false means another writer came
   * first: read again and decide again.
   */
  replace(summary: MatchSummary, expected: string | null): Promise<boolean>;
  /** The player's matches, newest first, each as the player's own line. */
  playerMatches(playerId: string, options?: Omit<MatchSummaryListOptions, "playerId">): Promise<PlayerMatchPage>;
  /** Per player, how many matches created in the period they abandoned; most first, then by player id. */
  abandonCounts(options?: AbandonCountOptions): Promise<AbandonCountList>;
}

export interface AbandonCountOptions {
  /** Matches created at or after this time. */
  from?: Date | string;
  /** Matches created before this time. */
  to?: Date | string;
  /** Only this player (listed even with no abandon). */
  playerId?: string;
  /** At most this many players, 1..500; default 50. */
  limit?: number;
}

export interface MatchSummaryListOptions {
  /** Only matches this player (an entry of `players`) played in. */
  playerId?: string;
  /** Only matches whose `match_label` says this `map_name`. */
  map?: string;
  /** Only matches whose `match_label` says this `match_type`. */
  matchType?: string;
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
  map: string | undefined;
  matchType: string | undefined;
  from: number | undefined;
  to: number | undefined;
  limit: number;
  /** Return only summaries sorting after this one. */
  after: { created_at: number; match_id: string } | undefined;
}

const time = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((t) => (t instanceof Date ? t.getTime() : Date.parse(t)));
const ListOptionsSchema = z.object({
  playerId: z.string().min(1).optional(),
  map: z.string().min(1).optional(),
  matchType: z.string().min(1).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.number().int().min(1).max(MATCH_LIST_MAX_LIMIT).default(MATCH_LIST_DEFAULT_LIMIT),
  cursor: z.string().min(1).nullish(),
});
const AbandonOptionsSchema = z.object({
  playerId: z.string().min(1).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.number().int().min(1).max(MATCH_LIST_MAX_LIMIT).default(MATCH_LIST_DEFAULT_LIMIT),
});

export function parseSummary(summary: unknown): MatchSummary {
  return parseWith(MatchSummarySchema, summary);
}

export function parseListOptions(options: unknown): ListQuery {
  const { playerId, map, matchType, from, to, limit, cursor } = parseWith(ListOptionsSchema, options ?? {});
  checkTimes(from, to);
  return { playerId, map, matchType, from, to, limit, after: cursor ? decodeCursor(cursor) : undefined };
}

/** Abandon count options as adapters use them: times in epoch ms (unbounded when absent). */
export function parseAbandonOptions(options: unknown): { playerId: string | undefined; from: number; to: number; limit: number } {
  const { playerId, from, to, limit } = parseWith(AbandonOptionsSchema, options ?? {});
  checkTimes(from, to);
  return { playerId, from: from ?? -8.64e15, to: to ?? 8.64e15, limit };
}

function checkTimes(from: number | undefined, to: number | undefined): void {
  for (const [field, value] of [["from", from], ["to", to]] as const) {
    if (Number.isNaN(value)) throw new ValidationError(`${field}: not a time`, field);
  }
}

/** `playerMatches` on top of an adapter's `list`: the same page, each summary as the player's line. */
export async function playerMatchesOf(store: MatchSummaryStore, playerId: string, options: Omit<MatchSummaryListOptions, "playerId"> = {}): Promise<PlayerMatchPage> {
  const page = await store.list({ ...options, playerId });
  return { items: page.items.map((summary) => playerLine(summary, playerId)), next_cursor: page.next_cursor };
}

/** Sorts abandon counts as the port promises and cuts them to `limit`. */
export function rankAbandons(items: AbandonCountList["items"], limit: number): AbandonCountList {
  const sorted = [...items].sort((a, b) => b.abandoned - a.abandoned || (a.player_id < b.player_id ? -1 : a.player_id > b.player_id ? 1 : 0));
  return { items: sorted.slice(0, limit) };
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
