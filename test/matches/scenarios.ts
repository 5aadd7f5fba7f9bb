import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM, type MatchSummary } from "@gamejournal/shared";
import type { JournalEntry } from "../../server/src/journal/journal.ts";
import { applyEntry, emptyAggregate, toSummary } from "../../server/src/matches/index.ts";
import { asJournalEntry, MATCH_ID, MATCH_START_MS, NO_GOAL, scriptAction, scriptFrame, scriptScore, type ScriptedPlayer } from "../support/match-script.ts";

/**
 * Short scripted matches, each showing one rule of the round-2 summary
 * (goals, participants, outcome), as the journal entries a worker reads:
 * `[stream, entry]` in the order they were journaled.
 */

export type ScenarioEntry = [stream: string, entry: JournalEntry];

export interface Scenario {
  name: string;
  entries: ScenarioEntry[];
  /** What the summary must say (a subset, compared with toMatchObject). */
  expect: Partial<MatchSummary> & Record<string, unknown>;
}

const p = (name: string, account: number, slot: number, stats: ScriptedPlayer["stats"] = {}): ScriptedPlayer => ({ name, account, slot, ping: 30, stats });
const at = (second: number) => new Date(MATCH_START_MS + second * 1000).toISOString();
const frame = (...args: Parameters<typeof scriptFrame>): ScenarioEntry => [RTAPI_STREAM, asJournalEntry(scriptFrame(...args))];
function action(second: number, type: string, user: string, data: Record<string, unknown> = {}): ScenarioEntry {
  const { action: a, meta } = scriptAction(second, type, user, data);
  return [PLAYER_ACTIONS_STREAM, { id: meta.id, type: a.type, user_id: user, match_id: MATCH_ID, ts: Date.parse(String(a.ts)), data: a.data }];
}

const GOAL_A = scriptScore("blue", "alpha", 2, { disc_speed: 11.5, distance_thrown: 6 });
const GOAL_B = scriptScore("orange", "bravo", 3, { goal_type: "LONG SHOT", assist_scored: "charlie", disc_speed: 17.25, distance_thrown: 15 });

export const SCENARIOS: Scenario[] = [
  {
    name: "a goal seen in many frames, and announced by an event, is one goal",
    entries: [
      frame({ second: 0, status: "pre_match", lastScore: NO_GOAL, blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1), p("charlie", 3, 2)] }),
      frame({ second: 5, clock: 295, lastScore: GOAL_A, events: [{ goal_scored: { score_details: GOAL_A } }], blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1), p("charlie", 3, 2)] }),
      ...[6, 7, 8].map((second) => frame({ second, clock: 300 - second, lastScore: GOAL_A, blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1), p("charlie", 3, 2)] })),
      frame({ second: 9, clock: 291, lastScore: GOAL_B, blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1, { goals: 1, points: 3 }), p("charlie", 3, 2, { assists: 1 })] }),
      frame({ second: 10, lastScore: GOAL_B, events: [{ goal_scored: { score_details: GOAL_B } }], blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1, { goals: 1, points: 3 }), p("charlie", 3, 2, { assists: 1 })] }),
      frame({ second: 20, status: "post_match", lastScore: GOAL_B, blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1, { goals: 1, points: 3 }), p("charlie", 3, 2, { assists: 1 })] }),
    ],
    expect: {
      goals: [
        { round: 1, game_clock: 295, at: at(5), team: "blue", scorer: "alpha", scorer_id: "1", assist: "", assist_id: "", goal_type: "INSIDE SHOT", points: 2, disc_speed: 11.5, distance: 6 },
        { round: 1, game_clock: 291, at: at(9), team: "orange", scorer: "bravo", scorer_id: "2", assist: "charlie", assist_id: "3", goal_type: "LONG SHOT", points: 3, disc_speed: 17.25, distance: 15 },
      ],
      outcome: { winner: "orange", decided_by: "points", final_score: { blue: 2, orange: 3 }, end_reason: "post_match" },
    },
  },
  {
    name: "a player who leaves and comes back is present, not an abandoner",
    entries: [
      frame({ second: 0, blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)] }),
      frame({ second: 30, blue: [], orange: [p("bravo", 2, 1)] }),
      frame({ second: 40, blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)] }),
      frame({ second: 60, status: "post_match", blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)] }),
    ],
    expect: {
      participants: [
        { player_id: "1", display_name: "alpha", team: "blue", state: "present", joined_at: at(0), left_at: null, playing_seconds: 50, team_switches: [] },
        { player_id: "2", display_name: "bravo", team: "orange", state: "present", joined_at: at(0), left_at: null, playing_seconds: 60, team_switches: [] },
      ],
    },
  },
  {
    name: "a player gone for good before the end abandoned; a spectator or a player gone before play began only left",
    entries: [
      frame({ second: 0, status: "pre_match", blue: [p("alpha", 1, 0), p("dave", 4, 3)], orange: [p("bravo", 2, 1)], spectators: [p("carol", 3, 2)] }),
      frame({ second: 5, status: "pre_match", blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)], spectators: [p("carol", 3, 2)] }),
      frame({ second: 10, blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)] }),
      frame({ second: 30, events: [{ player_left: { player_slot: 1, display_name: "bravo" } }], blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)] }),
      frame({ second: 60, status: "post_match", blue: [p("alpha", 1, 0)] }),
    ],
    expect: {
      participants: [
        { player_id: "1", display_name: "alpha", team: "blue", state: "present", joined_at: at(0), left_at: null, playing_seconds: 60, team_switches: [] },
        { player_id: "4", display_name: "dave", team: "blue", state: "left", joined_at: at(0), left_at: at(5), playing_seconds: 5, team_switches: [] },
        { player_id: "2", display_name: "bravo", team: "orange", state: "abandoned", joined_at: at(0), left_at: at(30), playing_seconds: 30, team_switches: [] },
        { player_id: "3", display_name: "carol", team: "spectator", state: "left", joined_at: at(0), left_at: at(10), playing_seconds: 0, team_switches: [] },
      ],
      // Orange's only player abandoned while alpha stayed: blue wins by forfeit.
      outcome: { winner: "blue", decided_by: "forfeit", final_score: { blue: 0, orange: 0 }, end_reason: "post_match" },
    },
  },
  {
    name: "a team switch is recorded, and the player's later rounds are on the new team",
    entries: [
      frame({ second: 0, rounds: [0, 0], blue: [p("alpha", 1, 0), p("bravo", 2, 1)], orange: [p("charlie", 3, 2)] }),
      frame({ second: 30, rounds: [1, 0], events: [{ round_ended: { round_number: 1, winning_team: "BLUE TEAM" } }], blue: [p("alpha", 1, 0), p("bravo", 2, 1, { saves: 1 })], orange: [p("charlie", 3, 2)] }),
      frame({ second: 31, rounds: [1, 0], events: [{ player_switched_team: { player_slot: 1, new_role: 2, prev_role: 1 } }], blue: [p("alpha", 1, 0)], orange: [p("charlie", 3, 2), p("bravo", 2, 1, { saves: 1 })] }),
      frame({ second: 60, status: "post_match", rounds: [1, 1], blue: [p("alpha", 1, 0)], orange: [p("charlie", 3, 2), p("bravo", 2, 1, { saves: 3 })] }),
    ],
    expect: {
      participants: [
        { player_id: "1", display_name: "alpha", team: "blue", state: "present", joined_at: at(0), left_at: null, playing_seconds: 60, team_switches: [] },
        { player_id: "2", display_name: "bravo", team: "orange", state: "present", joined_at: at(0), left_at: null, playing_seconds: 60, team_switches: [{ at: at(31), from: "blue", to: "orange" }] },
        { player_id: "3", display_name: "charlie", team: "orange", state: "present", joined_at: at(0), left_at: null, playing_seconds: 60, team_switches: [] },
      ],
      player_totals: [
        expect_totals("1", "alpha", "blue", 2, {}),
        expect_totals("2", "bravo", "orange", 2, { saves: 3 }),
        expect_totals("3", "charlie", "orange", 2, {}),
      ],
    },
  },
  {
    name: "level on rounds and points, with no verdict from the game, is a draw",
    entries: [
      frame({ second: 0, rounds: [0, 0], blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1)] }),
      frame({ second: 20, rounds: [1, 0], lastScore: scriptScore("blue", "alpha", 2), blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1)] }),
      frame({ second: 40, rounds: [1, 1], lastScore: scriptScore("orange", "bravo", 2), blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1, { goals: 1, points: 2 })] }),
      frame({ second: 50, status: "post_match", rounds: [1, 1], lastScore: scriptScore("orange", "bravo", 2), blue: [p("alpha", 1, 0, { goals: 1, points: 2 })], orange: [p("bravo", 2, 1, { goals: 1, points: 2 })], events: [{ match_ended: {} }] }),
    ],
    expect: {
      final_round_scores: { blue: 1, orange: 1 },
      outcome: { winner: "draw", decided_by: "draw", final_score: { blue: 2, orange: 2 }, end_reason: "match_ended" },
    },
  },
  {
    name: "a forfeit-like early end: the leading team walks out and the server ends the match",
    entries: [
      frame({ second: 0, rounds: [0, 0], blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1), p("charlie", 3, 2)] }),
      frame({ second: 10, rounds: [0, 0], lastScore: scriptScore("orange", "bravo", 3), blue: [p("alpha", 1, 0)], orange: [p("bravo", 2, 1, { goals: 1, points: 3 }), p("charlie", 3, 2)] }),
      frame({ second: 30, rounds: [0, 0], lastScore: scriptScore("orange", "bravo", 3), blue: [p("alpha", 1, 0)], orange: [] }),
      action(40, "match_ended", "server", { reason: "forfeit" }),
    ],
    expect: {
      duration_seconds: 40,
      participants: [
        { player_id: "1", display_name: "alpha", team: "blue", state: "present", joined_at: at(0), left_at: null, playing_seconds: 40, team_switches: [] },
        { player_id: "2", display_name: "bravo", team: "orange", state: "abandoned", joined_at: at(0), left_at: at(30), playing_seconds: 30, team_switches: [] },
        { player_id: "3", display_name: "charlie", team: "orange", state: "abandoned", joined_at: at(0), left_at: at(30), playing_seconds: 30, team_switches: [] },
      ],
      outcome: { winner: "blue", decided_by: "forfeit", final_score: { blue: 0, orange: 3 }, end_reason: "explicit" },
    },
  },
];

function expect_totals(player_id: string, display_name: string, team: string, rounds: number, stats: Record<string, number>) {
  const zero = { points: 0, goals: 0, saves: 0, stuns: 0, passes: 0, catches: 0, steals: 0, blocks: 0, interceptions: 0, assists: 0, shots_taken: 0, possession_time: 0 };
  return { player_id, display_name, team, rounds, ...zero, ...stats };
}

/** The summary a single in-order pass over the scenario's entries gives. */
export function foldScenario(scenario: Scenario): MatchSummary {
  return toSummary(scenario.entries.reduce((agg, [stream, entry]) => applyEntry(agg, stream, entry), emptyAggregate(MATCH_ID)));
}
