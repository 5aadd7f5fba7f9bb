import { describe, expect, test } from "bun:test";
import type { MatchSummary, RebuildProgress } from "@gamejournal/shared";
import { silentLogger } from "../../server/src/log.ts";
import { MatchSummarizer, rebuildMatches, type RebuildOptions } from "../../server/src/matches/index.ts";
import { openScan } from "../../server/src/matches/rebuild-scan.ts";
import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { MATCH_START_MS } from "../support/match-script.ts";
import { asMatch, journalEntries, REBUILD_BACKENDS, standardEntries, type RebuildFixture } from "./rebuild-fixtures.ts";
import { SCENARIOS, type ScenarioEntry } from "./scenarios.ts";

const scenario = (name: string) => SCENARIOS.find((s) => s.name.startsWith(name))!.entries;
const wall = { now: () => MATCH_START_MS + 3_600_000 };

for (const [name, makeFixture] of REBUILD_BACKENDS) {
  describe(`rebuilding match summaries from the journal, ${name}`, () => {
    async function setUp(fx: RebuildFixture) {
      const stores = await fx.stores.open();
      const summarizer = new MatchSummarizer({ ...stores, clock: wall, logger: silentLogger(), inactivityMs: 60_000 });
      /** The live worker folding these journal entries. */
      const live = async (entries: ScenarioEntry[]) => {
        for (const [stream, entry] of entries) await summarizer.handle(stream, entry);
      };
      const rebuild = (options: RebuildOptions = {}) => rebuildMatches({ journal: fx.journal, ...stores, clock: wall }, options);
      return { stores, summarizer, live, rebuild };
    }

    test("the scan merges the streams in id order, page by page, and stops at the last entry there was at its start", async () => {
      await using fx = await makeFixture();
      const a = await journalEntries(fx.journal, asMatch(scenario("a forfeit-like early end")).entries);
      const b = await journalEntries(fx.journal, asMatch(standardEntries()).entries);
      const scan = await openScan({ journal: fx.journal, streams: [RTAPI_STREAM, PLAYER_ACTIONS_STREAM, "events:none"], clock: wall, pageSize: 2 });
      await journalEntries(fx.journal, asMatch(standardEntries()).entries); // appended after the start: not read
      const read: string[] = [];
      for await (const batch of scan.batches()) {
        expect(batch.length).toBeLessThanOrEqual(2);
        read.push(...batch.map(({ stream, entry }) => `${stream} ${entry.id}`));
      }
      // Each match's entries in the order they were journaled (the action after the frames it follows).
      expect(read).toEqual([...a, ...b].map(([stream, entry]) => `${stream} ${entry.id}`));
      expect(scan.whole).toBe(true);
      expect(scan.progress()).toMatchObject({ entries: a.length + b.length, lag_ms: 0 });
      const from = await openScan({ journal: fx.journal, streams: [RTAPI_STREAM], clock: wall, from: b[2]![1].id });
      expect(from.whole).toBe(false);
      const first = await from.batches().next();
      expect(first.value?.[0]?.entry.id).toBe(b[2]![1].id);
    });

    const counts = (p: RebuildProgress) => ({ matches: p.matches, changed: p.changed, unchanged: p.unchanged, skipped: p.skipped });

    test("restores summaries changed by hand exactly, creates missing ones, and a second run changes nothing", async () => {
      await using fx = await makeFixture();
      const { stores, live, rebuild } = await setUp(fx);
      const a = asMatch(standardEntries());
      const b = asMatch(scenario("a forfeit-like early end"));
      const c = asMatch(scenario("a team switch"));
      const aEntries = await journalEntries(fx.journal, a.entries);
      const bEntries = await journalEntries(fx.journal, b.entries);
      await journalEntries(fx.journal, c.entries); // never seen by a live worker
      await live(aEntries);
      await live(bEntries);
      const original = { a: (await stores.summaries.get(a.matchId))!, b: (await stores.summaries.get(b.matchId))! };
      expect(original.a.goals).toHaveLength(3);
      expect(await stores.summaries.get(c.matchId)).toBeNull();

      await fx.stores.editByHand(a.matchId, {
        players: ["someone-else"],
        created_at: "2020-01-01T00:00:00.000Z",
        goals: [],
        outcome: { winner: "orange", decided_by: "game", final_score: { blue: 0, orange: 9 }, end_reason: "explicit" },
        duration_seconds: 1,
      }, ["player_totals"]);
      expect(await stores.summaries.get(a.matchId)).not.toEqual(original.a);

      const seen: RebuildProgress[] = [];
      const first = await rebuild({ onProgress: (p) => seen.push(p) });
      expect(counts(first)).toEqual({ matches: 3, changed: 2, unchanged: 1, skipped: { open: 0, partial: 0 } });
      expect(first.entries).toBe(a.entries.length + b.entries.length + c.entries.length);
      expect(first.lag_ms).toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(await stores.summaries.get(a.matchId)).toEqual(original.a);
      expect(await stores.summaries.get(b.matchId)).toEqual(original.b);
      const created = (await stores.summaries.get(c.matchId))!;
      expect(created).toMatchObject({ match_id: c.matchId, participants: [expect.anything(), expect.objectContaining({ team_switches: [expect.objectContaining({ from: "blue", to: "orange" })] }), expect.anything()] });
      expect((await stores.summaries.playerMatches("someone-else")).items).toEqual([]);

      const second = await rebuild();
      expect(counts(second)).toEqual({ matches: 3, changed: 0, unchanged: 3, skipped: { open: 0, partial: 0 } });
    });

    test("leaves matches still going, and those the live worker holds open, to the live worker", async () => {
      await using fx = await makeFixture();
      const { stores, summarizer, live, rebuild } = await setUp(fx);
      const going = asMatch(standardEntries().slice(0, 5));
      const lagging = asMatch(standardEntries());
      await live(await journalEntries(fx.journal, going.entries));
      const laggingEntries = await journalEntries(fx.journal, lagging.entries);
      await live(laggingEntries.slice(0, 4)); // the worker has a checkpoint; the end is journaled but not folded yet

      expect(counts(await rebuild())).toEqual({ matches: 2, changed: 0, unchanged: 0, skipped: { open: 2, partial: 0 } });
      expect(await stores.summaries.get(lagging.matchId)).toBeNull();
      expect(await stores.checkpoints.load(going.matchId)).not.toBeNull();

      await live(laggingEntries.slice(4));
      const written = await stores.summaries.get(lagging.matchId);
      expect(counts(await rebuild({ matchId: lagging.matchId }))).toEqual({ matches: 1, changed: 0, unchanged: 1, skipped: { open: 0, partial: 0 } });
      expect(await stores.summaries.get(lagging.matchId)).toEqual(written!);
      expect(summarizer.openMatches).toBe(1);
    });

    test("a match the live worker ended for inactivity is rebuilt the same way, at its last event", async () => {
      await using fx = await makeFixture();
      const clock = { t: MATCH_START_MS + 3_600_000, now: () => clock.t };
      const stores = await fx.stores.open();
      const summarizer = new MatchSummarizer({ ...stores, clock, logger: silentLogger(), inactivityMs: 60_000 });
      const idle = asMatch(standardEntries().slice(0, 6));
      for (const [stream, entry] of await journalEntries(fx.journal, idle.entries)) await summarizer.handle(stream, entry);
      clock.t += 61_000;
      expect(await summarizer.endIdle()).toBe(1);
      const original = (await stores.summaries.get(idle.matchId))!;
      expect(original.outcome?.end_reason).toBe("inactivity");
      await fx.stores.editByHand(idle.matchId, { match_label: "{}", avg_ping: 1 });

      const progress = await rebuildMatches({ journal: fx.journal, ...stores, clock }, {});
      expect(counts(progress)).toEqual({ matches: 1, changed: 1, unchanged: 0, skipped: { open: 0, partial: 0 } });
      expect(await stores.summaries.get(idle.matchId)).toEqual(original);
    });

    test("from a point in the journal, only summaries it sees whole are replaced; none is created", async () => {
      await using fx = await makeFixture();
      const { stores, live, rebuild } = await setUp(fx);
      const before = asMatch(standardEntries());
      const beforeEntries = await journalEntries(fx.journal, before.entries);
      const after = asMatch(scenario("a player who leaves"));
      const afterEntries = await journalEntries(fx.journal, after.entries);
      const unseen = asMatch(scenario("level on rounds"));
      const unseenEntries = await journalEntries(fx.journal, unseen.entries);
      await live([...beforeEntries, ...afterEntries]);
      const original: Record<string, MatchSummary> = { before: (await stores.summaries.get(before.matchId))!, after: (await stores.summaries.get(after.matchId))! };
      for (const id of [before.matchId, after.matchId]) await fx.stores.editByHand(id, { duration_seconds: 999 });

      // From the middle of `before`: its summary starts before the read, so it is left as it is.
      const progress = await rebuild({ from: beforeEntries[3]![1].id });
      expect(counts(progress)).toEqual({ matches: 3, changed: 1, unchanged: 0, skipped: { open: 0, partial: 2 } });
      expect(await stores.summaries.get(after.matchId)).toEqual(original.after!);
      expect((await stores.summaries.get(before.matchId))!.duration_seconds).toBe(999);
      expect(await stores.summaries.get(unseen.matchId)).toBeNull();
      expect(unseenEntries.length).toBeGreaterThan(0);
    });
  });
}
