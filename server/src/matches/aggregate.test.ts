import { describe, expect, test } from "bun:test";
import { MatchSummarySchema } from "@gamejournal/shared";
import {
  MATCH_ID,
  MATCH_START_MS,
  scriptAction,
  scriptFrame,
  standardMatch,
  STANDARD_MATCH_SUMMARY,
  type ScriptedFrame,
  type ScriptedPlayer,
} from "../../../test/support/match-script.ts";
import { applyAction, applyFrame, emptyAggregate, endMatch, endReason, isEnded, type MatchAggregate } from "./aggregate.ts";
import { toSummary } from "./summary.ts";

const foldFrames = (frames: ScriptedFrame[], from: MatchAggregate = emptyAggregate(MATCH_ID)) =>
  frames.reduce((agg, { frame, meta }) => applyFrame(agg, frame, meta), from);

const player = (name: string, account: number, slot: number, ping: number, stats = {}): ScriptedPlayer => ({ name, account, slot, ping, stats });
const iso = (second: number) => new Date(MATCH_START_MS + second * 1000).toISOString();

describe("match summary fold", () => {
  test("folds a scripted three-round match into the expected summary", () => {
    const summary = toSummary(foldFrames(standardMatch()));
    expect(summary).toEqual(STANDARD_MATCH_SUMMARY);
    expect(MatchSummarySchema.parse(summary)).toEqual(summary);
  });

  test("takes min, max and average over every playing player's ping in every frame, not spectators'", () => {
    const agg = foldFrames([
      scriptFrame({ second: 0, blue: [player("a", 1, 0, 10)], orange: [player("b", 2, 1, 35)], spectators: [player("s", 3, 2, 999)] }),
      scriptFrame({ second: 1, blue: [player("a", 1, 0, 20)], orange: [player("b", 2, 1, 5)] }),
    ]);
    expect(toSummary(agg)).toMatchObject({ min_ping: 5, max_ping: 35, avg_ping: 17.5 });
    expect(toSummary(emptyAggregate(MATCH_ID))).toMatchObject({ min_ping: 0, max_ping: 0, avg_ping: 0, players: [], per_round_stats: {} });
  });

  test("records each round's rise of the running totals, closing a round once when both the event and the scoreboard announce it", () => {
    const a = (goals: number) => [player("a", 1, 0, 10, { goals, points: goals * 2 })];
    const agg = foldFrames([
      scriptFrame({ second: 0, blue: a(0), rounds: [0, 0] }),
      scriptFrame({ second: 5, blue: a(1), rounds: [0, 0], events: [{ round_ended: { round_number: 1, winning_team: 1 } }] }),
      scriptFrame({ second: 6, blue: a(1), rounds: [1, 0] }), // the scoreboard catches up: still round 1
      scriptFrame({ second: 9, blue: a(3), rounds: [2, 0] }), // round 2 ends on the scoreboard alone
      scriptFrame({ second: 12, blue: a(4), rounds: [2, 0], events: [{ round_ended: {} }] }), // no number: the open round (3)
    ]);
    expect(toSummary(agg).per_round_stats["1"]!.map((r) => [r.round, r.goals, r.points])).toEqual([
      [1, 1, 2],
      [2, 2, 4],
      [3, 1, 2],
    ]);
  });

  test("a player who leaves and rejoins has two presences; a team switch starts a new one", () => {
    const agg = foldFrames([
      scriptFrame({ second: 0, blue: [player("a", 1, 0, 10)], orange: [player("b", 2, 1, 10)] }),
      scriptFrame({ second: 10, blue: [player("a", 1, 0, 10)] }), // b gone from the list
      scriptFrame({ second: 11, blue: [player("a", 1, 0, 10)], noTeams: true }), // says nothing about who is there
      scriptFrame({ second: 20, blue: [player("a", 1, 0, 10)], orange: [player("b", 2, 1, 10)] }),
      scriptFrame({ second: 30, orange: [player("a", 1, 0, 10), player("b", 2, 1, 10)] }),
    ]);
    const presences = toSummary(agg).evr_match_presences.map((p) => [p.player_id, p.team, p.joined_at, p.left_at]);
    expect(presences).toEqual([
      ["1", "blue", iso(0), iso(30)],
      ["2", "orange", iso(0), iso(10)],
      ["2", "orange", iso(20), null],
      ["1", "orange", iso(30), null],
    ]);
  });

  test("player_joined and player_left actions open and close presences of the platform user", () => {
    let agg = emptyAggregate(MATCH_ID);
    for (const { action, meta } of [
      scriptAction(0, "player_joined", "user-a", { display_name: "a", team: "blue", account_number: "1" }),
      scriptAction(40, "goal_scored", "user-a", { score: 10 }),
      scriptAction(50, "player_left", "user-a"),
    ]) agg = applyAction(agg, action, meta);
    const summary = toSummary(agg);
    expect(summary.players).toEqual(["1"]);
    expect(summary.evr_match_presences).toEqual([
      { player_id: "1", user_id: "user-a", account_number: "1", display_name: "a", team: "blue", joined_at: iso(0), left_at: iso(50) },
    ]);
    expect(summary.duration_seconds).toBe(50);
  });

  test("a player known first from an action and then from frames stays one player", () => {
    const joined = scriptAction(0, "player_joined", "user-b", { display_name: "b", team: "blue" });
    let agg = applyAction(emptyAggregate(MATCH_ID), joined.action, joined.meta);
    const { frame, meta } = scriptFrame({ second: 1, blue: [player("b", 2, 0, 10)] });
    agg = applyFrame(agg, { ...frame, session: { ...frame.session, client_name: "b" } }, { ...meta, user_id: "user-b" });
    const left = scriptAction(2, "player_left", "user-b");
    const summary = toSummary(applyAction(agg, left.action, left.meta));
    expect(summary.players).toEqual(["user-b"]);
    expect(summary.evr_match_presences).toEqual([
      { player_id: "user-b", user_id: "user-b", account_number: "2", display_name: "b", team: "blue", joined_at: iso(0), left_at: iso(2) },
    ]);
  });

  test("links the agent's user to the player the game names as its client", () => {
    const { frame, meta } = scriptFrame({ second: 0, blue: [player("a", 1, 0, 10), player("b", 2, 1, 10)] });
    const linked = applyFrame(emptyAggregate(MATCH_ID), { ...frame, session: { ...frame.session, client_name: "b" } }, { ...meta, user_id: "user-b" });
    expect(toSummary(linked).evr_match_presences.map((p) => p.user_id)).toEqual(["", "user-b"]);
  });

  test("counts round wins from round_ended events when no scoreboard was seen", () => {
    const agg = foldFrames([
      scriptFrame({ second: 0, rounds: null, events: [{ round_ended: { round_number: 1, winning_team: "ORANGE TEAM" } }] }),
      scriptFrame({ second: 1, rounds: null, events: [{ round_ended: { round_number: 2, winning_team: "BLUE TEAM" } }] }),
      scriptFrame({ second: 2, rounds: null, events: [{ round_ended: { round_number: 2, winning_team: "BLUE TEAM" } }] }),
      scriptFrame({ second: 3, rounds: null, events: [{ round_ended: { round_number: 3, winning_team: "ROLE_ORANGE_TEAM" } }] }),
    ]);
    expect(toSummary(agg).final_round_scores).toEqual({ orange: 2, blue: 1 });
  });

  describe("end of the match", () => {
    const playing = scriptFrame({ second: 0, blue: [player("a", 1, 0, 10)] });

    test("ends on a match_ended event or a post_match status, and says why", () => {
      const byEvent = scriptFrame({ second: 5, events: [{ match_ended: { winning_team: 1 } }] });
      const byStatus = scriptFrame({ second: 5, status: "post_match" });
      const agg = applyFrame(emptyAggregate(MATCH_ID), playing.frame, playing.meta);
      expect([isEnded(agg), endReason(agg), endReason(agg, byEvent.frame), endReason(agg, byStatus.frame)]).toEqual([false, null, "match_ended", "post_match"]);
      expect(applyFrame(agg, byEvent.frame, byEvent.meta).ended).toEqual({ reason: "match_ended", at: MATCH_START_MS + 5000 });
      expect(applyFrame(agg, byStatus.frame, byStatus.meta).ended).toEqual({ reason: "post_match", at: MATCH_START_MS + 5000 });
    });

    test("only the sender of the match's frames ends it from a frame: another sender's match_ended or post_match is ignored", () => {
      const own = { ...playing, meta: { ...playing.meta, user_id: "agent-1" } };
      const agg = applyFrame(emptyAggregate(MATCH_ID), own.frame, own.meta);
      for (const forged of [scriptFrame({ second: 5, events: [{ match_ended: { winning_team: 1 } }] }), scriptFrame({ second: 5, status: "post_match" })]) {
        expect(applyFrame(agg, forged.frame, { ...forged.meta, user_id: "mallory" }).ended).toBeNull();
        expect(applyFrame(agg, forged.frame, { ...forged.meta, user_id: "agent-1" }).ended).toEqual({ reason: expect.any(String), at: MATCH_START_MS + 5000 });
      }
    });

    test("an explicit end action ends it; endMatch for inactivity ends it at the last event's time", () => {
      const agg = applyFrame(emptyAggregate(MATCH_ID), playing.frame, playing.meta);
      const { action, meta } = scriptAction(7, "match_ended", "server");
      expect(applyAction(agg, action, meta).ended).toEqual({ reason: "explicit", at: MATCH_START_MS + 7000 });
      const idle = endMatch(agg, "inactivity");
      expect(idle.ended).toEqual({ reason: "inactivity", at: MATCH_START_MS });
      expect(toSummary(idle).evr_match_presences[0]!.left_at).toBe(iso(0));
      expect(endMatch(idle, "explicit")).toBe(idle);
    });

    test("closes the unfinished round when it saw play, and ignores what comes after the end", () => {
      const agg = foldFrames([
        playing,
        scriptFrame({ second: 5, blue: [player("a", 1, 0, 10, { goals: 1 })] }),
        scriptFrame({ second: 6, status: "post_match", blue: [player("a", 1, 0, 10, { goals: 1 })] }),
      ]);
      const late = scriptFrame({ second: 60, blue: [player("a", 1, 0, 999, { goals: 5 })], orange: [player("z", 9, 1, 1)] });
      const after = applyFrame(agg, late.frame, late.meta);
      expect(toSummary(agg).per_round_stats["1"]!.map((r) => [r.round, r.goals])).toEqual([[1, 1]]);
      expect(toSummary(after)).toEqual(toSummary(agg));
      expect(after.positions).toEqual({ "events:rtapi": late.meta.id });
    });
  });

  describe("replay and resume", () => {
    test("folding half, serialising, restoring and folding the rest gives the identical summary", () => {
      const frames = standardMatch();
      const whole = foldFrames(frames);
      for (const cut of [1, 4, 7]) {
        const restored = JSON.parse(JSON.stringify(foldFrames(frames.slice(0, cut)))) as MatchAggregate;
        const resumed = foldFrames(frames.slice(cut), restored);
        expect(resumed).toEqual(whole);
        expect(JSON.stringify(toSummary(resumed))).toBe(JSON.stringify(toSummary(whole)));
      }
    });

    test("an entry already folded is skipped: redelivering it, or everything, changes nothing", () => {
      const frames = standardMatch();
      const half = foldFrames(frames.slice(0, 5));
      expect(applyFrame(half, frames[4]!.frame, frames[4]!.meta)).toBe(half);
      expect(applyFrame(half, frames[2]!.frame, frames[2]!.meta)).toBe(half);
      expect(foldFrames(frames, half)).toEqual(foldFrames(frames));
      const { action, meta } = scriptAction(30, "player_left", "user-x");
      const once = applyAction(half, action, meta);
      expect(applyAction(once, action, meta)).toBe(once);
      expect(once.positions).toEqual({ "events:rtapi": frames[4]!.meta.id, "events:player_actions": meta.id });
    });

    test("never modifies the aggregate it is given", () => {
      const frames = standardMatch();
      const agg = foldFrames(frames.slice(0, 3));
      const before = JSON.stringify(agg);
      applyFrame(agg, frames[3]!.frame, frames[3]!.meta);
      applyAction(agg, scriptAction(65, "match_label", "server", { labels: { mode: "ranked" } }).action, scriptAction(65, "x", "s").meta);
      endMatch(agg, "inactivity");
      expect(JSON.stringify(agg)).toBe(before);
    });
  });

  test("match_label carries the game's match type and map and the server's labels, keys sorted", () => {
    const { frame, meta } = scriptFrame({ second: 0 });
    let agg = applyFrame(emptyAggregate(MATCH_ID, { labels: { region: "eu", __proto__x: 1 } }), frame, meta);
    const labelled = scriptAction(1, "match_label", "server", { labels: { mode: "ranked", bad: { nested: true } } });
    agg = applyAction(agg, labelled.action, labelled.meta);
    expect(JSON.parse(toSummary(agg).match_label)).toEqual({
      __proto__x: 1, map_name: "mpl_arena_a", match_type: "Echo_Arena", mode: "ranked", private_match: false, region: "eu",
    });
    expect(toSummary(agg).match_label.indexOf('"map_name"')).toBeLessThan(toSummary(agg).match_label.indexOf('"region"'));
  });

  test("odd values in a frame are ignored, not fatal", () => {
    const { frame, meta } = scriptFrame({ second: 0 });
    const odd = {
      ...frame,
      events: [{ round_ended: "soon" }, { player_left: { player_slot: "x" } }, { player_joined: { player: 7 } }, { scoreboard_updated: { blue_round_score: -1 } }],
      session: {
        ...frame.session,
        teams: [{ team: "BLUE TEAM", players: [{ name: "__proto__", ping: -5, stats: { goals: "3", points: Infinity } }, { ping: 20 }] }],
      },
    };
    const agg = applyFrame(emptyAggregate(MATCH_ID), odd as typeof frame, meta);
    const summary = toSummary(agg);
    expect(summary.players).toEqual(["__proto__"]);
    expect(Object.keys(summary.per_round_stats)).toEqual(["__proto__"]);
    expect([summary.min_ping, summary.max_ping]).toEqual([0, 0]);
    expect(MatchSummarySchema.safeParse(summary).success).toBe(true);
  });
});

test("a malformed journal entry id is refused before anything changes", () => {
  expect(() => applyFrame(emptyAggregate(MATCH_ID), standardMatch()[0]!.frame, { id: "abc" })).toThrow('not a stream id: "abc"');
});
