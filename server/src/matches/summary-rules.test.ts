import { describe, expect, test } from "bun:test";
import { MATCH_ID, MATCH_START_MS, scriptAction, scriptFrame, scriptScore, standardMatch, STANDARD_MATCH_SUMMARY, type ScriptedPlayer } from "../../../test/support/match-script.ts";
import { upgradeAggregate, type MatchAggregate } from "./aggregate-state.ts";
import { applyAction, applyFrame, emptyAggregate, endMatch } from "./aggregate.ts";
import { parseCheckpoint } from "./checkpoint-store.ts";
import { toSummary } from "./summary.ts";

const p = (name: string, account: number, slot: number): ScriptedPlayer => ({ name, account, slot, ping: 10 });
const iso = (second: number) => new Date(MATCH_START_MS + second * 1000).toISOString();

describe("round-2 summary rules", () => {
  test("a checkpoint written before goals and participants existed loads, and the fold goes on from it", () => {
    const frames = standardMatch();
    const half = frames.slice(0, 5).reduce((agg, { frame, meta }) => applyFrame(agg, frame, meta), emptyAggregate(MATCH_ID));
    const { goals: _g, last_goal_key: _k, game_winner: _w, play_started_at: _p, present_at_end: _e, ...older } = half;
    const loaded = parseCheckpoint(MATCH_ID, JSON.stringify(older), 1).aggregate;
    expect(loaded).toMatchObject({ goals: [], last_goal_key: null, game_winner: null, play_started_at: half.started_at, present_at_end: null });
    const summary = toSummary(frames.slice(5).reduce((agg, { frame, meta }) => applyFrame(agg, frame, meta), loaded));
    // Goals before the upgrade are unknown (a rebuild recovers them), and so the points they scored; the rest is as a whole fold gives.
    expect(summary.goals.map((g) => g.scorer)).toEqual(["charlie", "alpha"]);
    const { goals: _sg, ...rest } = summary;
    const { goals: _eg, ...expected } = STANDARD_MATCH_SUMMARY;
    expect(rest).toEqual({ ...expected, outcome: { ...expected.outcome, final_score: { blue: 2, orange: 3 } } });
    expect(upgradeAggregate(half)).toBe(half);
  });

  test("a match ended for inactivity after one team walked out is a forfeit, with the walkers as abandoners", () => {
    let agg: MatchAggregate = emptyAggregate(MATCH_ID);
    for (const { frame, meta } of [
      scriptFrame({ second: 0, blue: [p("a", 1, 0)], orange: [p("b", 2, 1)] }),
      scriptFrame({ second: 10, blue: [p("a", 1, 0)], orange: [], lastScore: scriptScore("orange", "b", 2) }),
      scriptFrame({ second: 20, blue: [p("a", 1, 0)], orange: [] }),
    ]) agg = applyFrame(agg, frame, meta);
    const summary = toSummary(endMatch(agg, "inactivity"));
    expect(summary.outcome).toEqual({ winner: "blue", decided_by: "forfeit", final_score: { blue: 0, orange: 2 }, end_reason: "inactivity" });
    expect(summary.participants.map((x) => [x.player_id, x.state, x.left_at])).toEqual([["1", "present", null], ["2", "abandoned", iso(10)]]);
  });

  test("while a match goes on, everyone still there is present and the outcome has no end reason", () => {
    const { frame, meta } = scriptFrame({ second: 0, blue: [p("a", 1, 0)], orange: [p("b", 2, 1)] });
    const summary = toSummary(applyFrame(emptyAggregate(MATCH_ID), frame, meta));
    expect(summary.participants.map((x) => [x.state, x.left_at])).toEqual([["present", null], ["present", null]]);
    expect(summary.outcome).toEqual({ winner: "draw", decided_by: "draw", final_score: { blue: 0, orange: 0 }, end_reason: null });
  });

  test("with actions only, play begins at the first action that is not a join, a leave or a label", () => {
    let agg: MatchAggregate = emptyAggregate(MATCH_ID);
    for (const { action, meta } of [
      scriptAction(0, "player_joined", "u1", { display_name: "a", team: "blue" }),
      scriptAction(1, "player_joined", "u2", { display_name: "b", team: "orange" }),
      scriptAction(2, "player_left", "u2"),
      scriptAction(3, "player_joined", "u3", { display_name: "c", team: "orange" }),
      scriptAction(5, "goal_scored", "u1"),
      scriptAction(9, "player_left", "u3"),
      scriptAction(10, "match_ended", "server"),
    ]) agg = applyAction(agg, action, meta);
    expect(toSummary(agg).participants.map((x) => [x.player_id, x.state])).toEqual([["u1", "present"], ["u2", "left"], ["u3", "abandoned"]]);
  });
});
