import { z } from "zod";

/**
 * Match summaries (seed 000's `MatchSummary`): one document a match, built by
 * folding the match's journal entries and stored under the seed's bson names.
 * Times travel as ISO 8601 strings; stores keep them as dates.
 */

/** The per-player counters a telemetry frame carries, in the game's names. */
export const STAT_NAMES = [
  "points",
  "goals",
  "saves",
  "stuns",
  "passes",
  "catches",
  "steals",
  "blocks",
  "interceptions",
  "assists",
  "shots_taken",
  "possession_time",
] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type PlayerStats = Record<StatName, number>;

const count = z.number().int();
const isoTime = z.iso.datetime({ offset: true });

/**
 * One player's share of one round: what their counters rose by between the
 * round's start and its end (not the running totals the game reports), and
 * the team they were on when it ended. `possession_time` is in seconds.
 */
export const RoundStatSchema = z.object({
  /** 1 for the first round. */
  round: z.number().int().positive(),
  /** "blue", "orange", ... (see `teamKey` on the server). */
  team: z.string(),
  points: count,
  goals: count,
  saves: count,
  stuns: count,
  passes: count,
  catches: count,
  steals: count,
  blocks: count,
  interceptions: count,
  assists: count,
  shots_taken: count,
  possession_time: z.number().nonnegative(),
});
export interface RoundStat {
  round: number;
  team: string;
  points: number;
  goals: number;
  saves: number;
  stuns: number;
  passes: number;
  catches: number;
  steals: number;
  blocks: number;
  interceptions: number;
  assists: number;
  shots_taken: number;
  possession_time: number;
}

/**
 * One uninterrupted stint of one player on one team. A player who leaves and
 * rejoins, or who switches team, has one presence per stint.
 */
export const MatchPresenceSchema = z.object({
  /** The key the player is listed under in `players` and `per_round_stats`. */
  player_id: z.string().min(1),
  /** The platform user id (e.g. Nakama's) when known, else "". */
  user_id: z.string(),
  /** The game's account number (`userid` in frames) when known, else "". */
  account_number: z.string(),
  display_name: z.string(),
  team: z.string(),
  joined_at: isoTime,
  /** null while the player is still in the match. */
  left_at: isoTime.nullable(),
});
export interface MatchPresence {
  player_id: string;
  user_id: string;
  account_number: string;
  display_name: string;
  team: string;
  joined_at: string;
  left_at: string | null;
}

export const MatchSummarySchema = z.object({
  /** `<session uuid>.<node>` (DESIGN.md). */
  match_id: z.string().min(1),
  /** Every player seen on a playing team, in the order first seen. */
  players: z.array(z.string()),
  /** Player id → that player's stats, one entry a completed round, in round order. */
  per_round_stats: z.record(z.string(), z.array(RoundStatSchema)),
  duration_seconds: count.nonnegative(),
  min_ping: count.nonnegative(),
  max_ping: count.nonnegative(),
  avg_ping: z.number().nonnegative(),
  /** Team → rounds won, e.g. {"blue": 2, "orange": 1}. */
  final_round_scores: z.record(z.string(), count.nonnegative()),
  evr_match_presences: z.array(MatchPresenceSchema),
  /** A JSON object as a string: match_type, map_name and the labels the server gave. */
  match_label: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
});
/**
 * Declared as a plain interface (checked against the schema below) so the
 * client's published types do not depend on zod.
 */
export interface MatchSummary {
  match_id: string;
  players: string[];
  per_round_stats: Record<string, RoundStat[]>;
  duration_seconds: number;
  min_ping: number;
  max_ping: number;
  avg_ping: number;
  final_round_scores: Record<string, number>;
  evr_match_presences: MatchPresence[];
  match_label: string;
  created_at: string;
  updated_at: string;
}
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _summaryMatchesSchema: Same<MatchSummary, z.infer<typeof MatchSummarySchema>> = true;
void _summaryMatchesSchema;

/** One page of `MatchSummaryStore.list`, newest first. */
export interface MatchSummaryPage {
  items: MatchSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** Summaries per page of a list query: the default and the most. */
export const MATCH_LIST_DEFAULT_LIMIT = 50;
export const MATCH_LIST_MAX_LIMIT = 500;

/** A player id in a list query (REST `player`, tRPC `playerId`). */
export const MatchListPlayerSchema = z.string().min(1).max(300);

const listTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 time, e.g. 2024-05-01T12:00:00Z" });

/**
 * The fields of a match list query every edge validates alike (REST query
 * strings coerce `limit`); each edge adds its player field under its own name.
 */
export const MatchListFields = {
  /** Matches created at or after this time. */
  from: listTime.optional(),
  /** Matches created at or before this time. */
  to: listTime.optional(),
  limit: z.coerce.number().int().min(1).max(MATCH_LIST_MAX_LIMIT).default(MATCH_LIST_DEFAULT_LIMIT),
  /** The previous page's `next_cursor`. */
  cursor: z.string().min(1).nullish(),
};
