import type { PlayerStats, RoundStat } from "@gamejournal/shared";
import type { TeamKey } from "./identity.ts";

/**
 * The running state of one match's summary: plain JSON (numbers, strings,
 * arrays, plain objects; times as epoch ms), so `JSON.parse(JSON.stringify(agg))`
 * is an equal aggregate and a checkpoint can store it as text. Keys chosen
 * by players (ids, names) never become object keys here: players live in
 * arrays, so a display name like `__proto__` is just data.
 */

/** Why a match ended: a `match_ended` frame event, a `post_match` game status, an explicit end (action or caller), or inactivity (judged by the caller). */
export type EndReason = "match_ended" | "post_match" | "explicit" | "inactivity";

export interface PlayerState {
  player_id: string;
  account_number: string;
  user_id: string;
  display_name: string;
  /** The team the player was last seen on. */
  team: TeamKey;
  /** The game's running totals as last seen; a stat the game never reported is absent. */
  last: Partial<PlayerStats>;
  /** How much each stat rose in the open round. */
  acc: PlayerStats;
  /** Seen on a playing team since the open round began. */
  in_round: boolean;
  /** Completed rounds, in order. */
  rounds: RoundStat[];
}

export interface PresenceState {
  player_id: string;
  user_id: string;
  account_number: string;
  display_name: string;
  team: TeamKey;
  joined_at: number;
  /** null while open. */
  left_at: number | null;
}

export interface MatchAggregate {
  /** Layout version of this object, for checkpoints written by older builds. */
  format: 1;
  match_id: string;
  /** Per journal stream, the id of the last entry folded in; entries at or before it are skipped. */
  positions: Record<string, string>;
  /** How many entries have been folded in; grows by one per entry not skipped. */
  entries: number;
  /** Event time of the earliest and latest entry folded in (epoch ms); null before the first. */
  started_at: number | null;
  last_event_at: number | null;
  ended: { reason: EndReason; at: number } | null;
  /** match_type, map_name, private_match, tournament_match from frames, and the server's labels. */
  labels: Record<string, string | number | boolean>;
  /** Ids of players seen on a playing team, in the order first seen. */
  players: string[];
  roster: PlayerState[];
  /** Slot number → player id, from the latest frame that listed players. */
  slots: Record<string, string>;
  ping: { count: number; sum: number; min: number; max: number };
  /** The open round's number, and the highest round number closed so far (0: none). */
  round: { current: number; closed: number };
  /** Round scores per team as the scoreboard last showed them; null until seen. */
  round_scores: Record<string, number> | null;
  /** Round number → winning team, from `round_ended` events (used when no scoreboard was seen). */
  round_winners: Record<string, TeamKey>;
  presences: PresenceState[];
  /*
   * Round 2 of the summary (goals, participants, outcome). A checkpoint
   * written by a build before these existed lacks them; `upgradeAggregate`
   * fills them in, so the fold goes on from it (goals before the upgrade are
   * not known; a rebuild from the journal recovers them).
   */
  /** Goals recorded, in the order scored (goals.ts). */
  goals: GoalState[];
  /** The identifying details of the last goal recorded (goals.ts); null before the first. */
  last_goal_key: string | null;
  /** The game's own verdict, from a `match_ended` frame event's `winning_team`; null when it gave none. */
  game_winner: "blue" | "orange" | null;
  /** When play began (see `observePlay`); null until then. A player gone before it did not abandon. */
  play_started_at: number | null;
  /** Ids of the players in the match (an open presence) when it ended; null until it ends. */
  present_at_end: string[] | null;
  /**
   * The sender (journal `user_id`, "" for none) of the match's first frame:
   * only its frames can end the match (a `match_ended` event, `post_match`),
   * so another sender cannot end someone else's match with a forged frame.
   * null until the first frame (or in a checkpoint written before it existed).
   */
  reporter?: string | null;
}

/** A goal as the fold keeps it: `Goal` with its time in epoch ms. */
export interface GoalState {
  round: number;
  game_clock: number | null;
  at: number;
  team: "blue" | "orange";
  scorer: string;
  scorer_id: string;
  assist: string;
  assist_id: string;
  goal_type: string;
  points: number;
  disc_speed: number;
  distance: number;
}

/** `agg` with the fields a checkpoint of an older build lacks filled in (the same object when none is missing). */
export function upgradeAggregate(agg: MatchAggregate): MatchAggregate {
  const partial = agg as Partial<MatchAggregate>;
  if (partial.goals && partial.last_goal_key !== undefined && partial.game_winner !== undefined && partial.play_started_at !== undefined && partial.present_at_end !== undefined) {
    return agg;
  }
  return {
    ...agg,
    goals: partial.goals ?? [],
    last_goal_key: partial.last_goal_key ?? null,
    game_winner: partial.game_winner ?? null,
    // An older checkpoint's match had entries: count play as begun at its first, so no leaver is excused by the upgrade.
    play_started_at: partial.play_started_at !== undefined ? partial.play_started_at : agg.started_at,
    present_at_end: partial.present_at_end ?? null,
  };
}

export function zeroStats(): PlayerStats {
  return {
    points: 0,
    goals: 0,
    saves: 0,
    stuns: 0,
    passes: 0,
    catches: 0,
    steals: 0,
    blocks: 0,
    interceptions: 0,
    assists: 0,
    shots_taken: 0,
    possession_time: 0,
  };
}
