import { describe, expect, test } from "bun:test";
import { MatchSummarySchema } from "@gamejournal/shared";
import { silentLogger } from "../../server/src/log.ts";
import { MatchSummarizer } from "../../server/src/matches/index.ts";
import { MATCH_ID, MATCH_START_MS } from "../support/match-script.ts";
import { MATCH_STORE_BACKENDS } from "./backends.ts";
import { foldScenario, SCENARIOS } from "./scenarios.ts";

describe("round-2 summary rules, folded", () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, () => {
      const summary = foldScenario(scenario);
      expect(summary).toMatchObject(scenario.expect);
      expect(MatchSummarySchema.parse(summary)).toEqual(summary);
    });
  }
});

for (const [name, makeFixture] of MATCH_STORE_BACKENDS) {
  describe(`round-2 summary rules, through the summarizer into ${name}`, () => {
    for (const scenario of SCENARIOS) {
      test(scenario.name, async () => {
        await using fx = await makeFixture();
        const stores = await fx.open();
        const clock = { now: () => MATCH_START_MS + 3_600_000 };
        const summarizer = new MatchSummarizer({ ...stores, clock, logger: silentLogger() });
        for (const [stream, entry] of scenario.entries) await summarizer.handle(stream, entry);
        const stored = await (await fx.open()).summaries.get(MATCH_ID);
        expect(stored).toMatchObject(scenario.expect);
        expect(stored).toEqual(foldScenario(scenario));
      });
    }
  });
}
