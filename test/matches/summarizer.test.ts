import { describe, expect, test } from "bun:test";
import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { silentLogger } from "../../server/src/log.ts";
import { applyEntries, emptyAggregate, endMatch, MatchSummarizer } from "../../server/src/matches/index.ts";
import { asJournalEntry, MATCH_ID, MATCH_START_MS, scriptFrame, standardMatch, STANDARD_MATCH_SUMMARY } from "../support/match-script.ts";
import { MATCH_STORE_BACKENDS } from "./backends.ts";

for (const [name, makeFixture] of MATCH_STORE_BACKENDS) {
  describe(`match summarizer on ${name}`, () => {
    const wall = () => {
      const clock = { t: MATCH_START_MS + 200_000, now: () => clock.t };
      return clock;
    };

    test("folds a scripted match and stores its summary when the match ends", async () => {
      await using fx = await makeFixture();
      const stores = await fx.open();
      const summarizer = new MatchSummarizer({ ...stores, clock: wall(), logger: silentLogger() });
      for (const frame of standardMatch()) await summarizer.handle(RTAPI_STREAM, asJournalEntry(frame));
      expect(await stores.summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
      expect(await stores.checkpoints.load(MATCH_ID)).toBeNull();
      expect(summarizer.openMatches).toBe(0);
    });

    test("redelivered entries and trailing frames after the end change nothing", async () => {
      await using fx = await makeFixture();
      const stores = await fx.open();
      const summarizer = new MatchSummarizer({ ...stores, clock: wall(), logger: silentLogger() });
      const frames = standardMatch();
      for (const [i, frame] of frames.entries()) {
        await summarizer.handle(RTAPI_STREAM, asJournalEntry(frame));
        if (i > 0) await summarizer.handle(RTAPI_STREAM, asJournalEntry(frames[i - 1]!)); // a redelivery
      }
      const trailing = scriptFrame({ second: 190, status: "post_match", rounds: [2, 1] }, { seq: 1 });
      await summarizer.handle(RTAPI_STREAM, asJournalEntry(trailing));
      expect(await stores.summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
    });

    test("a restarted summarizer resumes from the checkpoint and writes the same summary", async () => {
      await using fx = await makeFixture();
      const frames = standardMatch();
      {
        const stores = await fx.open();
        const first = new MatchSummarizer({ ...stores, clock: wall(), logger: silentLogger() });
        for (const frame of frames.slice(0, 5)) await first.handle(RTAPI_STREAM, asJournalEntry(frame));
        expect((await stores.checkpoints.load(MATCH_ID))?.aggregate.entries).toBe(5);
      }
      const stores = await fx.open();
      const second = new MatchSummarizer({ ...stores, clock: wall(), logger: silentLogger() });
      expect(await second.restore()).toBe(1);
      // The consumer redelivers the unacknowledged fifth entry, then the rest.
      for (const frame of frames.slice(4)) await second.handle(RTAPI_STREAM, asJournalEntry(frame));
      expect(await stores.summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
    });

    // Two summarizers folding one match happens when a lease holder pauses past the lease's TTL: another instance takes
    // the partition over from the checkpoint while the first still holds the match in memory, then the first goes on.
    test("two summarizers folding one match in turn (a lease lost during a pause) lose and double-count nothing", async () => {
      await using fx = await makeFixture();
      const frames = standardMatch().map(asJournalEntry);
      const a = new MatchSummarizer({ ...(await fx.open()), clock: wall(), logger: silentLogger() });
      const b = new MatchSummarizer({ ...(await fx.open()), clock: wall(), logger: silentLogger() });
      await a.handleBatch(RTAPI_STREAM, frames.slice(0, 2));
      await b.handleBatch(RTAPI_STREAM, frames.slice(2, 4)); // from a's checkpoint; a still holds its own copy
      await a.handleBatch(RTAPI_STREAM, frames.slice(4)); // more entries than b's checkpoint, but not b's
      const stores = await fx.open();
      expect(await stores.summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
      expect(await stores.checkpoints.load(MATCH_ID)).toBeNull();
    });

    test("a summarizer whose copy of a match is stale does not end it for inactivity from that copy", async () => {
      await using fx = await makeFixture();
      const frames = standardMatch().map(asJournalEntry);
      const clock = wall();
      const a = new MatchSummarizer({ ...(await fx.open()), clock, logger: silentLogger(), inactivityMs: 60_000 });
      const b = new MatchSummarizer({ ...(await fx.open()), clock, logger: silentLogger() });
      await a.handleBatch(RTAPI_STREAM, frames.slice(0, 2));
      clock.t += 61_000;
      await b.handleBatch(RTAPI_STREAM, frames.slice(2, 4));
      expect(await a.endIdle()).toBe(0); // the match moved on since a's copy: not idle
      await b.handleBatch(RTAPI_STREAM, frames.slice(4));
      expect(await (await fx.open()).summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
    });

    test("a match ended by a worker that stopped before storing its summary is summarised on restore", async () => {
      await using fx = await makeFixture();
      const stores = await fx.open();
      const frames = standardMatch().map(asJournalEntry);
      // The ending save of a worker that crashed right after it: an ended checkpoint, no summary.
      expect(await stores.checkpoints.save(applyEntries(emptyAggregate(MATCH_ID), RTAPI_STREAM, frames), null)).toBe(true);
      const idle = { ...endMatch(applyEntries(emptyAggregate("idle"), RTAPI_STREAM, frames.slice(0, 3)), "inactivity"), match_id: "idle" };
      expect(await stores.checkpoints.save(idle, null)).toBe(true);
      const restarted = new MatchSummarizer({ ...(await fx.open()), clock: wall(), logger: silentLogger() });
      expect(await restarted.restore()).toBe(0);
      expect(await stores.summaries.get(MATCH_ID)).toEqual(STANDARD_MATCH_SUMMARY);
      expect(await stores.summaries.get("idle")).toMatchObject({ match_id: "idle", updated_at: new Date(MATCH_START_MS + 60_000).toISOString() });
      expect(await stores.checkpoints.listEnded()).toEqual([]);
    });

    test("a match idle past the timeout is ended and summarised at its last event's time", async () => {
      await using fx = await makeFixture();
      const stores = await fx.open();
      const clock = wall();
      const summarizer = new MatchSummarizer({ ...stores, clock, logger: silentLogger(), inactivityMs: 60_000 });
      for (const frame of standardMatch().slice(0, 6)) await summarizer.handle(RTAPI_STREAM, asJournalEntry(frame));
      expect(await summarizer.endIdle()).toBe(0);
      clock.t += 61_000;
      expect(await summarizer.endIdle()).toBe(1);
      const summary = await stores.summaries.get(MATCH_ID);
      expect(summary).toMatchObject({ match_id: MATCH_ID, duration_seconds: 120, updated_at: new Date(MATCH_START_MS + 120_000).toISOString() });
    });

    test("an explicit end action from the journal ends the match", async () => {
      await using fx = await makeFixture();
      const stores = await fx.open();
      const summarizer = new MatchSummarizer({ ...stores, clock: wall(), logger: silentLogger() });
      for (const frame of standardMatch().slice(0, 3)) await summarizer.handle(RTAPI_STREAM, asJournalEntry(frame));
      const endAt = MATCH_START_MS + 65_000;
      await summarizer.handle(PLAYER_ACTIONS_STREAM, {
        id: `${endAt}-0`,
        type: "match_ended",
        user_id: "admin",
        match_id: MATCH_ID,
        ts: endAt,
        data: { reason: "explicit" },
      });
      expect(await stores.summaries.get(MATCH_ID)).toMatchObject({ match_id: MATCH_ID, duration_seconds: 65, final_round_scores: { blue: 1, orange: 0 } });
    });
  });
}
