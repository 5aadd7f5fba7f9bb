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

/** Team keys a goal or an outcome can name. */
export const PLAYING_TEAMS = ["blue", "orange"] as const;
export type PlayingTeam = (typeof PLAYING_TEAMS)[number];
const playingTeam = z.enum(PLAYING_TEAMS);

/**
 * One goal, as the game's `last_score` (or a `goal_scored` event's
 * `score_details`) describes it. A goal is identified by those details (the
 * seven fields the game reports: team, scorer, assist, goal type, points,
 * disc speed, distance): the same details seen again in later frames are the
 * same goal, never a second one (see the fold's goals.ts).
 */
export const GoalSchema = z.object({
  /** The round it was scored in (1 for the first). */
  round: z.number().int().positive(),
  /** The game clock when the goal was first seen (seconds, as `session.game_clock`); null when the frame had none. */
  game_clock: z.number().nullable(),
  /** The time of the frame the goal was first seen in. */
  at: isoTime,
  team: playingTeam,
  /** The scorer's display name as the game reports it (`person_scored`). */
  scorer: z.string(),
  /** The scorer's player id (as in `players`) when a player of that name was seen in the match, else "". */
  scorer_id: z.string(),
  /** The assisting player's display name, "" for none. */
  assist: z.string(),
  assist_id: z.string(),
  /** e.g. "INSIDE SHOT", "LONG BOUNCE SHOT". */
  goal_type: z.string(),
  points: z.number().int().nonnegative(),
  /** Metres per second. */
  disc_speed: z.number(),
  /** Distance thrown, metres. */
  distance: z.number(),
});
export interface Goal {
  round: number;
  game_clock: number | null;
  at: string;
  team: PlayingTeam;
  scorer: string;
  scorer_id: string;
  assist: string;
  assist_id: string;
  goal_type: string;
  points: number;
  disc_speed: number;
  distance: number;
}

/**
 * How a participant's match ended for them:
 * - `present`: in the match (on any team) when it ended;
 * - `abandoned`: on a playing team after play began, and gone for good
 *   before the end (a player who left and came back is not an abandoner);
 * - `left`: gone for good by the end without abandoning: never on a playing
 *   team after play began (spectators, players gone in `pre_match`), or gone
 *   at the very moment the match ended.
 */
export const PARTICIPANT_STATES = ["present", "left", "abandoned"] as const;
export type ParticipantState = (typeof PARTICIPANT_STATES)[number];

export const TeamSwitchSchema = z.object({
  /** When the player appeared on the new team. */
  at: isoTime,
  from: z.string(),
  to: z.string(),
});
export interface TeamSwitch {
  at: string;
  from: string;
  to: string;
}

/** One person seen in the match (players, spectators, moderators), over all their stints. */
export const ParticipantSchema = z.object({
  player_id: z.string().min(1),
  display_name: z.string(),
  /** The team they were last on. */
  team: z.string(),
  state: z.enum(PARTICIPANT_STATES),
  /** When they were first seen. */
  joined_at: isoTime,
  /** When they left for good; null for `present`. */
  left_at: isoTime.nullable(),
  /** Seconds spent on a playing team (blue, orange), over all stints. */
  playing_seconds: z.number().int().nonnegative(),
  /** Each change of team between consecutive stints, in order. */
  team_switches: z.array(TeamSwitchSchema),
});
export interface Participant {
  player_id: string;
  display_name: string;
  team: string;
  state: ParticipantState;
  joined_at: string;
  left_at: string | null;
  playing_seconds: number;
  team_switches: TeamSwitch[];
}

/**
 * What decided the winner, in the order the rules are tried: the game's own
 * verdict (`match_ended.winning_team`), a forfeit (one playing team still
 * there at the end, every player of the other gone), more rounds won, more
 * points, else a draw.
 */
export const DECIDED_BY = ["game", "forfeit", "rounds", "points", "draw"] as const;
export type DecidedBy = (typeof DECIDED_BY)[number];

export const MatchOutcomeSchema = z.object({
  winner: z.enum(["blue", "orange", "draw"]),
  decided_by: z.enum(DECIDED_BY),
  /** Points per team over the whole match: the goals' points, or, when no goal was seen, the players' points per round by their team. */
  final_score: z.object({ blue: count.nonnegative(), orange: count.nonnegative() }),
  /** Why the match ended: `match_ended` (a frame event), `post_match` (the game's status), `explicit`, `inactivity`; null while it goes on. */
  end_reason: z.enum(["match_ended", "post_match", "explicit", "inactivity"]).nullable(),
});
export interface MatchOutcome {
  winner: PlayingTeam | "draw";
  decided_by: DecidedBy;
  final_score: { blue: number; orange: number };
  end_reason: "match_ended" | "post_match" | "explicit" | "inactivity" | null;
}

/** One player's stats summed over every round of the match. */
export const PlayerTotalsSchema = RoundStatSchema.omit({ round: true }).extend({
  player_id: z.string().min(1),
  display_name: z.string(),
  /** Rounds they have a line in. */
  rounds: count.nonnegative(),
});
export interface PlayerTotals extends Omit<RoundStat, "round"> {
  player_id: string;
  display_name: string;
  rounds: number;
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
  /** Every goal, in the order scored (beyond seed 000). */
  goals: z.array(GoalSchema),
  /** Everyone seen in the match, in the order first seen (beyond seed 000). */
  participants: z.array(ParticipantSchema),
  /** Who won and why; null only on a summary stored before this field existed (rebuild it). */
  outcome: MatchOutcomeSchema.nullable(),
  /** Per player of `per_round_stats`, the stats summed over all rounds (beyond seed 000). */
  player_totals: z.array(PlayerTotalsSchema),
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
  goals: Goal[];
  participants: Participant[];
  outcome: MatchOutcome | null;
  player_totals: PlayerTotals[];
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

/** A label value to filter a match list by (REST `map` / `match_type`, tRPC `map` / `matchType`): `map_name` or `match_type` in `match_label`. */
export const MatchLabelFilterSchema = z.string().min(1).max(200);

/** A player's own line in one match: what "my recent matches" lists. */
export interface PlayerMatchLine {
  match_id: string;
  created_at: string;
  updated_at: string;
  match_label: string;
  /** The team they ended the match on (their participant's team), "" when not known. */
  team: string;
  /** Their stats summed over the match's rounds (`player_totals`); 0 when they have no line. */
  goals: number;
  saves: number;
  points: number;
  assists: number;
  /** From their team and the outcome; null when they ended off a playing team or the summary has no outcome. */
  result: "win" | "loss" | "draw" | null;
  /** Their participant state; null when the summary predates participants. */
  state: ParticipantState | null;
  abandoned: boolean;
}

/** One page of a player's matches, newest first; the cursor works as `MatchSummaryPage`'s. */
export interface PlayerMatchPage {
  items: PlayerMatchLine[];
  next_cursor: string | null;
}

/** How often a player abandoned matches created in a period. */
export interface AbandonCount {
  player_id: string;
  /** A display name the player abandoned under (the latest-sorting one when they used several). */
  display_name: string;
  /** Matches in the period they abandoned. */
  abandoned: number;
  /** Matches in the period they played in (their id in `players`). */
  matches: number;
}

/** Abandon counts, most abandons first, ties by player id. */
export interface AbandonCountList {
  items: AbandonCount[];
}

/** What a rebuild recomputes from the journal. */
export const REBUILD_TARGETS = ["matches", "session-events"] as const;
export type RebuildTarget = (typeof REBUILD_TARGETS)[number];

const streamId = z.string().regex(/^\d{1,16}(-\d{1,16})?$/, "must be a journal entry id, e.g. 1714564800000-0");

/**
 * A rebuild request, the same on every edge (REST body, tRPC input, CLI
 * flags): where in the journal to start (`from`, an entry id, or `since`, a
 * time; at most one), and optionally one match.
 */
export const RebuildRequestSchema = z
  .object({
    target: z.enum(REBUILD_TARGETS),
    /** Start at this journal entry id (inclusive). */
    from: streamId.optional(),
    /** Start at the first entry appended at or after this time. */
    since: listTime.optional(),
    /** Only this match. */
    match_id: z.string().min(1).max(300).optional(),
  })
  .refine((r) => r.from === undefined || r.since === undefined, { message: "give from or since, not both", path: ["since"] });
/** A plain interface (checked against the schema), so the client's published types do not depend on zod. */
export interface RebuildRequest {
  target: RebuildTarget;
  from?: string | undefined;
  since?: string | undefined;
  match_id?: string | undefined;
}
const _rebuildRequestMatchesSchema: Same<RebuildRequest, z.infer<typeof RebuildRequestSchema>> = true;
void _rebuildRequestMatchesSchema;

/** Where a rebuild stands. */
export interface RebuildProgress {
  /** Journal entries read so far. */
  entries: number;
  /** Entries read per second, over the run so far. */
  entries_per_second: number;
  /** How far the entry read last is behind the journal's last entry at the start (ms of entry-id time). */
  lag_ms: number;
  /** Matches (session-events: lobby sessions are not counted) met so far. */
  matches: number;
  /** Stored documents that the rebuild replaced or created because they differed. */
  changed: number;
  /** Stored documents found equal to the rebuilt ones. */
  unchanged: number;
  /**
   * Matches not written, and why: still open in the journal or held open by
   * the live worker (it writes them), or begun before the range read (a
   * partial fold would be wrong).
   */
  skipped: { open: number; partial: number };
}

export interface RebuildJob {
  id: string;
  target: RebuildTarget;
  request: RebuildRequest;
  state: "running" | "done" | "failed";
  /** Who started it (the token's subject). */
  by: string;
  started_at: string;
  finished_at: string | null;
  progress: RebuildProgress;
  /** Set when `state` is "failed". */
  error: string | null;
}
