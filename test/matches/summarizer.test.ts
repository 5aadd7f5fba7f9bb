import { describe, expect, test } from "bun:test";
import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { silentLogger } from "../../server/src/log.ts";
import { MatchSummarizer } from "../../server/src/matches/index.ts";
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
