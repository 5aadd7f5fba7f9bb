import { FrameSchema, normalizeKeys, PLAYER_ACTIONS_STREAM, RTAPI_STREAM, type Frame, type PlayerStats } from "@gamejournal/shared";
import type { JournalEntry } from "../../server/src/journal/journal.ts";
import type { EntryMeta, PlayerAction } from "../../server/src/matches/index.ts";

/**
 * Scripted telemetry for match-summary tests: frames shaped as the real agent
 * sends them (proto snake_case names, `session.sessionid` as the game writes
 * it), each with the journal meta a worker would read it with. Unit tests
 * fold `entry.frame`; end-to-end tests send `entry.raw` through ingest and
 * compare the stored summary with `STANDARD_MATCH_SUMMARY`.
 */

export const MATCH_SESSION = "0d9a5c52-7f0c-4c1e-9b3e-5a2f6c1d8e47";
export const MATCH_NODE = "default-node";
export const MATCH_ID = `${MATCH_SESSION}.${MATCH_NODE}`;
/** Second 0 of every script: 2024-05-01T12:00:00Z. */
export const MATCH_START_MS = Date.parse("2024-05-01T12:00:00.000Z");

export interface ScriptedPlayer {
  name: string;
  account: number;
  slot: number;
  ping: number;
  /** The game's running totals (absent: all zero). */
  stats?: Partial<PlayerStats>;
}

export interface FrameSpec {
  /** Seconds since MATCH_START_MS. */
  second: number;
  status?: string;
  blue?: ScriptedPlayer[];
  orange?: ScriptedPlayer[];
  spectators?: ScriptedPlayer[];
  /** Round scores [blue, orange] on the scoreboard (default [0, 0]; null: not shown). */
  rounds?: [number, number] | null;
  events?: Array<Record<string, unknown>>;
  /** Leave out `session.teams` entirely (a frame that says nothing about who is there). */
  noTeams?: boolean;
  /** The game's `session.last_score` (its last goal), as the game reports it. */
  lastScore?: ScriptedScore;
  /** `session.game_clock`, seconds. */
  clock?: number;
  /** `session.blue_points` / `orange_points` [blue, orange]. */
  points?: [number, number];
}

/** A `last_score` in the game's names. */
export interface ScriptedScore {
  team: string;
  person_scored: string;
  assist_scored: string;
  goal_type: string;
  point_amount: number;
  disc_speed: number;
  distance_thrown: number;
}

/** The game's `last_score` before the first goal (no points: not a goal). */
export const NO_GOAL: ScriptedScore = { team: "blue", person_scored: "[INVALID]", assist_scored: "[INVALID]", goal_type: "[NO GOAL]", point_amount: 0, disc_speed: 0, distance_thrown: 0 };

/** A goal's `last_score`. */
export function scriptScore(team: "blue" | "orange", scorer: string, points: number, more: Partial<ScriptedScore> = {}): ScriptedScore {
  return { team, person_scored: scorer, assist_scored: "[INVALID]", goal_type: "INSIDE SHOT", point_amount: points, disc_speed: 10, distance_thrown: 5, ...more };
}

export interface ScriptedFrame {
  /** The frame as sent on the wire. */
  raw: Record<string, unknown>;
  /** The same frame after `normalizeKeys` and `FrameSchema`. */
  frame: Frame;
  meta: EntryMeta;
}

/** One frame of the scripted match at `spec.second`; its journal id is `<ms>-<n>`. */
export function scriptFrame(spec: FrameSpec, { seq = 0, session = MATCH_SESSION }: { seq?: number; session?: string } = {}): ScriptedFrame {
  const ms = MATCH_START_MS + spec.second * 1000;
  const team = (name: string, players: ScriptedPlayer[] = []) => ({
    team: name,
    players: players.map((p) => ({
      name: p.name,
      userid: p.account,
      playerid: p.slot,
      ping: p.ping,
      stats: { ...ZERO, ...p.stats },
    })),
  });
  const rounds = spec.rounds === undefined ? [0, 0] : spec.rounds;
  const raw = {
    frame_index: spec.second * 30,
    timestamp: new Date(ms).toISOString(),
    events: spec.events ?? [],
    session: {
      sessionid: session,
      match_type: "Echo_Arena",
      map_name: "mpl_arena_a",
      game_status: spec.status ?? "playing",
      private_match: false,
      ...(rounds ? { blue_round_score: rounds[0], orange_round_score: rounds[1] } : {}),
      ...(spec.points ? { blue_points: spec.points[0], orange_points: spec.points[1] } : {}),
      ...(spec.clock !== undefined ? { game_clock: spec.clock } : {}),
      ...(spec.lastScore ? { last_score: spec.lastScore } : {}),
      ...(spec.noTeams
        ? {}
        : { teams: [team("BLUE TEAM", spec.blue), team("ORANGE TEAM", spec.orange), team("SPECTATORS", spec.spectators)] }),
    },
  };
  return { raw, frame: FrameSchema.parse(normalizeKeys(raw)), meta: { id: `${ms}-${seq}`, stream: RTAPI_STREAM, node: MATCH_NODE } };
}

/** A player action at `second`, as journaled, with its meta. */
export function scriptAction(second: number, type: string, userId: string, data: Record<string, unknown> = {}, seq = 0): { action: PlayerAction; meta: EntryMeta } {
  const ms = MATCH_START_MS + second * 1000;
  return {
    action: { type, user_id: userId, session_id: MATCH_SESSION, match_id: MATCH_ID, data, ts: new Date(ms).toISOString() },
    meta: { id: `${ms}-${seq}`, stream: PLAYER_ACTIONS_STREAM, node: MATCH_NODE },
  };
}

/** A scripted frame as the journal hands it to a worker (`type: "frame"`, the raw frame as `data`). */
export function asJournalEntry({ raw, meta }: ScriptedFrame): JournalEntry {
  return { id: meta.id, type: "frame", session_id: MATCH_SESSION, match_id: MATCH_ID, ts: Number(meta.id.split("-")[0]), data: raw };
}

const ZERO: PlayerStats = {
  points: 0, goals: 0, saves: 0, stuns: 0, passes: 0, catches: 0, steals: 0, blocks: 0, interceptions: 0, assists: 0, shots_taken: 0, possession_time: 0,
};

const p = (name: string, account: number, slot: number, ping: number, stats?: Partial<PlayerStats>): ScriptedPlayer => ({ name, account, slot, ping, stats });

/**
 * A three-round Echo Arena match, blue wins 2–1, in nine frames over 185 s:
 * - alpha (1001) and bravo (1002) on blue, charlie (1003) and delta (1004)
 *   on orange, specter (1005) spectating (its ping of 500 must not count);
 * - round 1 ends on a `round_ended` event (and the scoreboard), round 2 on the
 *   scoreboard alone, round 3 on both, then `match_ended` in `post_match`;
 * - delta leaves at 70 s (a `player_left` event) and rejoins at 90 s with
 *   its totals reset by the game (its block of round 1 is not taken back);
 * - pings range 20..90 over the playing players;
 * - three goals, each repeated in `last_score` by every later frame: alpha's
 *   at 10 s (round 1), charlie's at 120 s (round 2, also announced by a
 *   `goal_scored` event), alpha's at 180 s assisted by bravo (round 3);
 * - specter leaves at 60 s (a spectator leaving: not an abandoner); the game
 *   names blue the winner in its `match_ended` event.
 */
export function standardMatch(): ScriptedFrame[] {
  return scriptedFrames().map((spec) => scriptFrame(spec));
}

const GOAL_1 = scriptScore("blue", "alpha", 2, { disc_speed: 12.5, distance_thrown: 8.25 });
const GOAL_2 = scriptScore("orange", "charlie", 3, { goal_type: "LONG SHOT", disc_speed: 15.75, distance_thrown: 14.5 });
const GOAL_3 = scriptScore("blue", "alpha", 2, { assist_scored: "bravo", goal_type: "BOUNCE SHOT", disc_speed: 10, distance_thrown: 5.5 });

function scriptedFrames(): FrameSpec[] {
  return [
    { second: 0, lastScore: NO_GOAL, status: "pre_match", blue: [p("alpha", 1001, 0, 30), p("bravo", 1002, 1, 40)], orange: [p("charlie", 1003, 2, 50), p("delta", 1004, 3, 60)], spectators: [p("specter", 1005, 4, 500)] },
    { second: 10, clock: 290.5, lastScore: GOAL_1, events: [{ round_started: { round_number: 1 } }], blue: [p("alpha", 1001, 0, 20, { goals: 1, points: 2, shots_taken: 1 }), p("bravo", 1002, 1, 40, { passes: 1 })], orange: [p("charlie", 1003, 2, 50), p("delta", 1004, 3, 60)], spectators: [p("specter", 1005, 4, 500)] },
    { second: 60, lastScore: GOAL_1, rounds: [1, 0], events: [{ round_ended: { round_number: 1, winning_team: "BLUE TEAM" } }], blue: [p("alpha", 1001, 0, 30, { goals: 1, points: 2, shots_taken: 2 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, possession_time: 12.5 }), p("delta", 1004, 3, 60, { blocks: 1 })] },
    { second: 70, lastScore: GOAL_1, rounds: [1, 0], events: [{ round_started: { round_number: 2 } }, { player_left: { player_slot: 3, display_name: "delta" } }], blue: [p("alpha", 1001, 0, 30, { goals: 1, points: 2, shots_taken: 2 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, possession_time: 12.5 })] },
    { second: 90, lastScore: GOAL_1, rounds: [1, 0], events: [{ player_joined: { player: { name: "delta", userid: 1004, playerid: 3 }, role: 2 } }], blue: [p("alpha", 1001, 0, 30, { goals: 1, points: 2, shots_taken: 2 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, possession_time: 12.5 }), p("delta", 1004, 3, 90)] },
    { second: 120, clock: 250, lastScore: GOAL_2, events: [{ goal_scored: { score_details: GOAL_2 } }], rounds: [1, 1], blue: [p("alpha", 1001, 0, 30, { goals: 1, points: 2, shots_taken: 2 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1, stuns: 2 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, goals: 1, points: 3, possession_time: 20 }), p("delta", 1004, 3, 60, { steals: 1 })] },
    { second: 130, lastScore: GOAL_2, rounds: [1, 1], events: [{ round_started: { round_number: 3 } }], blue: [p("alpha", 1001, 0, 30, { goals: 1, points: 2, shots_taken: 2 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1, stuns: 2 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, goals: 1, points: 3, possession_time: 20 }), p("delta", 1004, 3, 60, { steals: 1 })] },
    { second: 180, clock: 245.25, lastScore: GOAL_3, rounds: [2, 1], events: [{ round_ended: { round_number: 3, winning_team: "BLUE TEAM" } }], blue: [p("alpha", 1001, 0, 30, { goals: 2, points: 4, shots_taken: 3 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1, stuns: 2 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, goals: 1, points: 3, possession_time: 20 }), p("delta", 1004, 3, 60, { steals: 1 })] },
    { second: 185, lastScore: GOAL_3, status: "post_match", rounds: [2, 1], events: [{ match_ended: { winning_team: "BLUE TEAM" } }], blue: [p("alpha", 1001, 0, 30, { goals: 2, points: 4, shots_taken: 3 }), p("bravo", 1002, 1, 40, { passes: 1, assists: 1, stuns: 2 })], orange: [p("charlie", 1003, 2, 50, { saves: 1, goals: 1, points: 3, possession_time: 20 }), p("delta", 1004, 3, 60, { steals: 1 })] },
  ];
}

const round = (n: number, team: string, stats: Partial<PlayerStats> = {}) => ({ round: n, team, ...ZERO, ...stats });
const at = (second: number) => new Date(MATCH_START_MS + second * 1000).toISOString();
const presence = (account: number, name: string, team: string, joined: number, left: number | null) => ({
  player_id: String(account), user_id: "", account_number: String(account), display_name: name, team, joined_at: at(joined), left_at: left === null ? null : at(left),
});

function goal(round: number, clock: number, second: number, score: ScriptedScore, scorerId: string, assistId: string) {
  return {
    round, game_clock: clock, at: at(second), team: score.team as "blue" | "orange",
    scorer: score.person_scored, scorer_id: scorerId, assist: score.assist_scored === "[INVALID]" ? "" : score.assist_scored, assist_id: assistId,
    goal_type: score.goal_type, points: score.point_amount, disc_speed: score.disc_speed, distance: score.distance_thrown,
  };
}
function participant(account: number, name: string, team: string, state: "present" | "left" | "abandoned", joined: number, left: number | null, playing: number) {
  return { player_id: String(account), display_name: name, team, state, joined_at: at(joined), left_at: left === null ? null : at(left), playing_seconds: playing, team_switches: [] };
}
function totals(account: number, name: string, team: string, stats: Partial<PlayerStats>) {
  return { player_id: String(account), display_name: name, team, rounds: 3, ...ZERO, ...stats };
}

/** The summary `standardMatch()` folds to. */
export const STANDARD_MATCH_SUMMARY = {
  match_id: MATCH_ID,
  players: ["1001", "1002", "1003", "1004"],
  per_round_stats: {
    "1001": [round(1, "blue", { goals: 1, points: 2, shots_taken: 2 }), round(2, "blue"), round(3, "blue", { goals: 1, points: 2, shots_taken: 1 })],
    "1002": [round(1, "blue", { passes: 1, assists: 1 }), round(2, "blue", { stuns: 2 }), round(3, "blue")],
    "1003": [round(1, "orange", { saves: 1, possession_time: 12.5 }), round(2, "orange", { goals: 1, points: 3, possession_time: 7.5 }), round(3, "orange")],
    "1004": [round(1, "orange", { blocks: 1 }), round(2, "orange", { steals: 1 }), round(3, "orange")],
  },
  duration_seconds: 185,
  min_ping: 20,
  max_ping: 90,
  // 35 samples summing to 1580 (the spectator's are left out).
  avg_ping: 45.14,
  final_round_scores: { blue: 2, orange: 1 },
  evr_match_presences: [
    presence(1001, "alpha", "blue", 0, 185),
    presence(1002, "bravo", "blue", 0, 185),
    presence(1003, "charlie", "orange", 0, 185),
    presence(1004, "delta", "orange", 0, 70),
    presence(1005, "specter", "spectator", 0, 60),
    presence(1004, "delta", "orange", 90, 185),
  ],
  match_label: '{"map_name":"mpl_arena_a","match_type":"Echo_Arena","private_match":false}',
  created_at: at(0),
  updated_at: at(185),
  goals: [
    goal(1, 290.5, 10, GOAL_1, "1001", ""),
    goal(2, 250, 120, GOAL_2, "1003", ""),
    goal(3, 245.25, 180, GOAL_3, "1001", "1002"),
  ],
  participants: [
    participant(1001, "alpha", "blue", "present", 0, null, 185),
    participant(1002, "bravo", "blue", "present", 0, null, 185),
    participant(1003, "charlie", "orange", "present", 0, null, 185),
    // Left at 70 s and came back at 90 s: present, playing 70 + 95 s.
    participant(1004, "delta", "orange", "present", 0, null, 165),
    // A spectator leaving is not abandoning.
    participant(1005, "specter", "spectator", "left", 0, 60, 0),
  ],
  outcome: { winner: "blue" as const, decided_by: "game" as const, final_score: { blue: 4, orange: 3 }, end_reason: "match_ended" as const },
  player_totals: [
    totals(1001, "alpha", "blue", { goals: 2, points: 4, shots_taken: 3 }),
    totals(1002, "bravo", "blue", { passes: 1, assists: 1, stuns: 2 }),
    totals(1003, "charlie", "orange", { saves: 1, goals: 1, points: 3, possession_time: 20 }),
    totals(1004, "delta", "orange", { blocks: 1, steals: 1 }),
  ],
};

/**
 * The standard match under a session id of its own: the shared Redis keeps
 * idempotency keys across tests, so replaying the same frames elsewhere would
 * be (rightly) deduplicated.
 */
export function freshMatch() {
  const session = crypto.randomUUID();
  const frames = standardMatch().map(({ raw }) => JSON.parse(JSON.stringify(raw).replaceAll(MATCH_SESSION, session)) as Record<string, unknown>);
  const matchId = `${session}.default-node`;
  const summary = JSON.parse(JSON.stringify(STANDARD_MATCH_SUMMARY).replaceAll(MATCH_SESSION, session)) as typeof STANDARD_MATCH_SUMMARY;
  return { frames, matchId, summary };
}
