import { describe, expect, test } from "bun:test";
import type { MatchSummary } from "@gamejournal/shared";
import { ValidationError } from "../../server/src/errors.ts";
import { applyFrame, emptyAggregate, toSummary, type MatchAggregate, type MatchSummaryStore } from "../../server/src/matches/index.ts";
import { uniqueName } from "../harness/index.ts";
import { MATCH_STORE_BACKENDS as backends } from "./backends.ts";
import { MATCH_ID, standardMatch, STANDARD_MATCH_SUMMARY } from "../support/match-script.ts";
import { foldScenario, SCENARIOS } from "./scenarios.ts";

/**
 * The one contract suite of the match stores: every adapter of
 * `MatchSummaryStore` and `MatchCheckpointStore` must pass all of it, against
 * the real backend (SQLite files; MongoDB or FerretDB from the harness).
 */

const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute)).toISOString();

function summary(matchId: string, minute: number, players: string[] = ["1001"], extra: Partial<MatchSummary> = {}): MatchSummary {
  return {
    ...STANDARD_MATCH_SUMMARY,
    match_id: matchId,
    players,
    per_round_stats: Object.fromEntries(players.map((p) => [p, STANDARD_MATCH_SUMMARY.per_round_stats["1001"]])),
    created_at: at(minute),
    updated_at: at(minute + 5),
    ...extra,
  };
}

async function listAll(store: MatchSummaryStore, options: { playerId?: string; limit: number }): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.list({ ...options, cursor });
    expect(page.items.length).toBeLessThanOrEqual(options.limit);
    ids.push(...page.items.map((s) => s.match_id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

describe.each(backends)("match stores on %s", (_name, makeFixture) => {
  describe("MatchSummaryStore", () => {
    test("get returns null for a match never stored, and the stored summary exactly", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      expect(await summaries.get("nope")).toBeNull();
      expect(await summaries.store(STANDARD_MATCH_SUMMARY)).toBe(true);
      expect(await summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
      expect(await (await fx.open()).summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
    });

    test("storing twice leaves one summary with the first created_at and the newer fields", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      await summaries.init();
      expect(await summaries.store(summary("m1", 0))).toBe(true);
      expect(await summaries.store(summary("m1", 0))).toBe(true);
      expect(await summaries.store(summary("m1", 3, ["1001", "1002"], { updated_at: at(9), duration_seconds: 540 }))).toBe(true);
      const page = await summaries.list({});
      expect(page.items.map((s) => s.match_id)).toEqual(["m1"]);
      expect(await summaries.get("m1")).toMatchObject({ created_at: at(0), updated_at: at(9), duration_seconds: 540, players: ["1001", "1002"] });
      expect((await summaries.list({ playerId: "1002" })).items.map((s) => s.match_id)).toEqual(["m1"]);
    });

    test("an older summary does not replace a newer one", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      const stored = [];
      for (const m of [7, 3, 9, 1, 5]) stored.push(await summaries.store(summary("late", 0, ["1001"], { updated_at: at(m), duration_seconds: m })));
      expect(stored).toEqual([true, false, true, false, false]);
      expect(await summaries.get("late")).toMatchObject({ updated_at: at(9), duration_seconds: 9 });
    });

    test("first stores racing on a new match leave one summary and none fails", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      const results = await Promise.all([1, 2, 3, 4, 5].map((m) => summaries.store(summary("race", 0, ["1001"], { updated_at: at(m), duration_seconds: m }))));
      expect(results).toContain(true);
      expect((await summaries.list({})).items.map((s) => s.match_id)).toEqual(["race"]);
      expect(await summaries.get("race")).toMatchObject({ created_at: at(0) });
    });

    test("lists newest first, by player and time range, and pages with a stable cursor across ties and new writes", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      for (const id of ["t-a", "t-b", "t-c", "t-d", "t-e"]) await summaries.store(summary(id, 10, ["1001", id]));
      await summaries.store(summary("old", 1, ["1002"]));
      await summaries.store(summary("new", 20, ["1001"]));
      expect((await summaries.list({ limit: 3 })).items.map((s) => s.match_id)).toEqual(["new", "t-e", "t-d"]);

      const first = await summaries.list({ limit: 3 });
      await summaries.store(summary("newer", 30)); // appears only on a new first page
      await summaries.store(summary("t-c", 10, ["1001", "t-c"], { updated_at: at(40) })); // rewritten: keeps its place
      const rest = await listAll(summaries, { limit: 2 });
      const second = await summaries.list({ limit: 3, cursor: first.next_cursor });
      expect(second.items.map((s) => s.match_id)).toEqual(["t-c", "t-b", "t-a"]);
      expect(rest).toEqual(["newer", "new", "t-e", "t-d", "t-c", "t-b", "t-a", "old"]);

      expect(await listAll(summaries, { playerId: "1001", limit: 2 })).toEqual(["newer", "new", "t-e", "t-d", "t-c", "t-b", "t-a"]);
      expect((await summaries.list({ playerId: "1002" })).items.map((s) => s.match_id)).toEqual(["old"]);
      expect((await summaries.list({ playerId: "nobody" })).items).toEqual([]);
      expect((await summaries.list({ from: at(10), to: at(20) })).items.map((s) => s.match_id)).toEqual(["t-e", "t-d", "t-c", "t-b", "t-a"]);
      expect((await summaries.list({ from: new Date(at(20)), playerId: "1001" })).items.map((s) => s.match_id)).toEqual(["newer", "new"]);
      expect((await summaries.list({ limit: 8 })).next_cursor).toBeNull();
    });

    test("keeps player ids and team names with dots, dollars and percent signs", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      const odd = summary("odd", 0, ["a.b", "$c", "100%"], { final_round_scores: { "x.y": 1, $z: 2 } });
      await summaries.store(odd);
      expect(await summaries.get("odd")).toEqual(odd);
      expect((await summaries.list({ playerId: "a.b" })).items).toEqual([odd]);
    });

    test("refuses bad input with an error naming the field, and stores nothing", async () => {
      await using fx = await makeFixture();
      const { summaries } = await fx.open();
      const bad = { ...summary("bad", 0), players: [42] } as unknown as MatchSummary;
      const error = await summaries.store(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("players[0]");
      expect(await summaries.get("bad")).toBeNull();
      for (const [options, field] of [
        [{ cursor: "not-a-cursor" }, "cursor"],
        [{ limit: 0 }, "limit"],
        [{ from: "yesterday" }, "from"],
      ] as const) {
        const listError = await summaries.list(options).catch((e: unknown) => e);
        expect(listError).toBeInstanceOf(ValidationError);
        expect((listError as ValidationError).field).toBe(field);
      }
    });
  });

  describe("MatchCheckpointStore", () => {
    const frames = standardMatch();
    const foldTo = (n: number, from: MatchAggregate = emptyAggregate(MATCH_ID)) =>
      frames.slice(from.entries, n).reduce((agg, { frame, meta }) => applyFrame(agg, frame, meta), from);

    test("a worker that restarts from the checkpoint ends with the same summary", async () => {
      await using fx = await makeFixture();
      const { checkpoints } = await fx.open();
      const half = foldTo(4);
      expect(await checkpoints.save(half, null)).toBe(true);
      const restarted = await fx.open();
      const loaded = await restarted.checkpoints.load(MATCH_ID);
      expect(loaded).toEqual({ aggregate: half, saved_at: 1_000 });
      expect(loaded!.aggregate.positions).toEqual({ "events:rtapi": frames[3]!.meta.id });
      expect(toSummary(foldTo(frames.length, loaded!.aggregate))).toEqual(STANDARD_MATCH_SUMMARY);
    });

    test("saves only over the checkpoint the fold started from, and never over an ended one", async () => {
      await using fx = await makeFixture();
      const { checkpoints } = await fx.open();
      const saves: Array<[number, number | null]> = [
        [3, null], // first
        [5, null], // a second first save
        [6, 3], // over 3
        [8, 3], // a stale copy with more entries, not over 6
        [5, 6], // fewer entries, over 6: the basis decides, not the count
        [8, 5], // over 5
        [9, 7], // a basis never stored
        [frames.length, 8], // ended, over 8
        [frames.length, frames.length], // over the ended checkpoint
      ];
      const results = [];
      for (const [n, basis] of saves) results.push(await checkpoints.save(foldTo(n), basis));
      expect(results).toEqual([true, false, true, false, true, true, false, true, false]);
      expect((await checkpoints.load(MATCH_ID))!.aggregate).toEqual(foldTo(frames.length));
    });

    test("first saves racing on a new match: exactly one is taken", async () => {
      await using fx = await makeFixture();
      const { checkpoints } = await fx.open();
      const results = await Promise.all([1, 2, 3, 4].map((n) => checkpoints.save(foldTo(n), null)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const taken = results.indexOf(true) + 1;
      expect((await checkpoints.load(MATCH_ID))!.aggregate).toEqual(foldTo(taken));
      expect((await checkpoints.listOpen()).map((c) => c.aggregate.match_id)).toEqual([MATCH_ID]);
    });

    test("lists open matches, least recently saved first, and ended ones apart; delete forgets", async () => {
      await using fx = await makeFixture();
      const { checkpoints } = await fx.open();
      const match = (id: string, n: number) => ({ ...foldTo(n), match_id: id });
      fx.clock.t = 3_000;
      await checkpoints.save(match("b", 2), null);
      fx.clock.t = 2_000;
      await checkpoints.save(match("a", 3), null);
      await checkpoints.save(match("done", frames.length), null);
      expect(match("done", frames.length).ended).not.toBeNull();
      expect((await checkpoints.listOpen()).map((c) => [c.aggregate.match_id, c.saved_at])).toEqual([["a", 2_000], ["b", 3_000]]);
      expect((await checkpoints.listEnded()).map((c) => c.aggregate.match_id)).toEqual(["done"]);
      await checkpoints.delete("a");
      await checkpoints.delete("never-saved");
      expect(await checkpoints.load("a")).toBeNull();
      expect((await checkpoints.listOpen()).map((c) => c.aggregate.match_id)).toEqual(["b"]);
      expect((await checkpoints.load("done"))!.aggregate.ended).toEqual({ reason: "match_ended", at: Date.parse(STANDARD_MATCH_SUMMARY.updated_at) });
    });
  });
});

describe.each(backends)("match summary queries and the rebuild's write on %s", (_name, makeFixture) => {
  const scenario = (name: string) => foldScenario(SCENARIOS.find((s) => s.name.startsWith(name))!);
  const labelled = (matchId: string, minute: number, base: MatchSummary, labels: Record<string, unknown>): MatchSummary => ({
    ...base,
    match_id: matchId,
    created_at: at(minute),
    updated_at: at(minute + 5),
    match_label: JSON.stringify(labels),
  });

  test("replace writes only over the summary it read, every field included, and never over a newer write", async () => {
    await using fx = await makeFixture();
    const { summaries } = await fx.open();
    const first = summary("m", 10);
    await summaries.store(first);
    // Older than what is stored, with another created_at: store refuses it, replace (having read `first`) writes it whole.
    const rebuilt = summary("m", 2, ["1002"], { duration_seconds: 1 });
    expect(await summaries.store(rebuilt)).toBe(false);
    expect(await summaries.replace(rebuilt, first.updated_at)).toBe(true);
    expect(await summaries.get("m")).toEqual(rebuilt);
    expect((await summaries.list({ playerId: "1002" })).items.map((s) => s.match_id)).toEqual(["m"]);
    expect((await summaries.list({ playerId: "1001" })).items).toEqual([]);
    // A stale read: someone wrote since `first` was read.
    expect(await summaries.replace(summary("m", 10, ["9"]), first.updated_at)).toBe(false);
    expect(await summaries.replace(summary("m", 10, ["9"]), null)).toBe(false);
    expect(await summaries.get("m")).toEqual(rebuilt);
    // None stored: only a replace expecting none writes.
    expect(await summaries.replace(summary("n", 1), at(6))).toBe(false);
    expect(await summaries.get("n")).toBeNull();
    expect(await summaries.replace(summary("n", 1), null)).toBe(true);
    expect(await summaries.get("n")).toEqual(summary("n", 1));
  });

  test("a summary stored before round 2 reads back with empty goals and participants and no outcome", async () => {
    await using fx = await makeFixture();
    const { summaries } = await fx.open();
    await summaries.store(STANDARD_MATCH_SUMMARY);
    await fx.editByHand(MATCH_ID, {}, ["goals", "participants", "outcome", "player_totals"]);
    const { goals: _g, participants: _p, outcome: _o, player_totals: _t, ...seed } = STANDARD_MATCH_SUMMARY;
    expect(await summaries.get(MATCH_ID)).toEqual({ ...seed, goals: [], participants: [], outcome: null, player_totals: [] });
    expect((await summaries.playerMatches("1001")).items[0]).toMatchObject({ team: "", result: null, state: null, abandoned: false });
  });

  test("lists by map and by match type, alone or with a player", async () => {
    await using fx = await makeFixture();
    const { summaries } = await fx.open();
    await summaries.store(labelled("a", 1, summary("a", 1), { map_name: "mpl_arena_a", match_type: "Echo_Arena" }));
    await summaries.store(labelled("b", 2, summary("b", 2, ["1002"]), { map_name: "mpl_arena_a", match_type: "Echo_Arena_Private" }));
    await summaries.store(labelled("c", 3, summary("c", 3), { map_name: "mpl_combat_dyson", match_type: "Echo_Combat" }));
    await summaries.store(labelled("d", 4, summary("d", 4), { note: '"map_name":"mpl_arena_a"' }));
    const ids = async (options: Parameters<MatchSummaryStore["list"]>[0]) => (await summaries.list(options)).items.map((s) => s.match_id);
    expect(await ids({ map: "mpl_arena_a" })).toEqual(["b", "a"]);
    expect(await ids({ matchType: "Echo_Arena" })).toEqual(["a"]);
    expect(await ids({ map: "mpl_arena_a", playerId: "1001" })).toEqual(["a"]);
    expect(await ids({ map: "mpl_arena_a", matchType: "Echo_Arena_Private" })).toEqual(["b"]);
    expect(await ids({ map: "nowhere" })).toEqual([]);
    const paged = await summaries.list({ map: "mpl_arena_a", limit: 1 });
    expect((await summaries.list({ map: "mpl_arena_a", limit: 1, cursor: paged.next_cursor })).items.map((s) => s.match_id)).toEqual(["a"]);
  });

  test("a player's matches come with their own line: team, goals, saves, result, abandoned", async () => {
    await using fx = await makeFixture();
    const { summaries } = await fx.open();
    await summaries.store({ ...scenario("a player gone for good"), match_id: "walked", created_at: at(30), updated_at: at(31) });
    await summaries.store({ ...STANDARD_MATCH_SUMMARY, match_id: "standard", created_at: at(20), updated_at: at(21) });
    await summaries.store({ ...scenario("level on rounds"), match_id: "draw", created_at: at(10), updated_at: at(11) });
    const lines = (await summaries.playerMatches("2")).items;
    expect(lines).toEqual([
      { match_id: "walked", created_at: at(30), updated_at: at(31), match_label: expect.any(String), team: "orange", goals: 0, saves: 0, points: 0, assists: 0, result: "loss", state: "abandoned", abandoned: true },
      { match_id: "draw", created_at: at(10), updated_at: at(11), match_label: expect.any(String), team: "orange", goals: 1, saves: 0, points: 2, assists: 0, result: "draw", state: "present", abandoned: false },
    ]);
    expect((await summaries.playerMatches("1003")).items).toEqual([
      expect.objectContaining({ match_id: "standard", team: "orange", goals: 1, saves: 1, points: 3, result: "loss", state: "present", abandoned: false }),
    ]);
    const page = await summaries.playerMatches("2", { limit: 1 });
    expect(page.items.map((l) => l.match_id)).toEqual(["walked"]);
    expect((await summaries.playerMatches("2", { limit: 1, cursor: page.next_cursor })).items.map((l) => l.match_id)).toEqual(["draw"]);
    expect((await summaries.playerMatches("2", { from: at(15) })).items.map((l) => l.match_id)).toEqual(["walked"]);
  });

  test("counts abandons per player over a period, most first, with the matches they played", async () => {
    await using fx = await makeFixture();
    const { summaries } = await fx.open();
    const forfeit = scenario("a forfeit-like early end"); // 2 and 3 abandon
    const walked = scenario("a player gone for good"); // 2 abandons
    await summaries.store({ ...forfeit, match_id: "f1", created_at: at(10), updated_at: at(11) });
    await summaries.store({ ...forfeit, match_id: "f2", created_at: at(20), updated_at: at(21) });
    await summaries.store({ ...walked, match_id: "w1", created_at: at(30), updated_at: at(31) });
    await summaries.store({ ...scenario("level on rounds"), match_id: "d1", created_at: at(40), updated_at: at(41) });
    expect(await summaries.abandonCounts({})).toEqual({
      items: [
        { player_id: "2", display_name: "bravo", abandoned: 3, matches: 4 },
        { player_id: "3", display_name: "charlie", abandoned: 2, matches: 2 },
      ],
    });
    expect(await summaries.abandonCounts({ from: at(15), to: at(35), limit: 1 })).toEqual({ items: [{ player_id: "2", display_name: "bravo", abandoned: 2, matches: 2 }] });
    expect(await summaries.abandonCounts({ playerId: "1" })).toEqual({ items: [{ player_id: "1", display_name: "alpha", abandoned: 0, matches: 4 }] });
    expect(await summaries.abandonCounts({ playerId: "nobody" })).toEqual({ items: [{ player_id: "nobody", display_name: "", abandoned: 0, matches: 0 }] });
    // Rewriting a summary moves its counts with it.
    await summaries.store({ ...scenario("a player who leaves"), match_id: "w1", created_at: at(30), updated_at: at(50) });
    expect((await summaries.abandonCounts({})).items.map((i) => [i.player_id, i.abandoned])).toEqual([["2", 2], ["3", 2]]);
    const error = await summaries.abandonCounts({ limit: 501 }).catch((e: unknown) => e);
    expect((error as ValidationError).field).toBe("limit");
  });
});
