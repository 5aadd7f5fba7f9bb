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
