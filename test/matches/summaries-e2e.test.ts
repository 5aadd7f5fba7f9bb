import { describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../../client/src/index.ts";
import { clusterEnv, sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { freshMatch } from "../support/match-script.ts";
import { startTestServer } from "../support/server.ts";

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis and MongoDB", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url, MONGODB_URI: (await sharedMongo()).url, MONGODB_DATABASE: uniqueName("db") })],
  ["Redis Cluster and MongoDB", async () => ({ ...(await clusterEnv()), MONGODB_URI: (await sharedMongo()).url, MONGODB_DATABASE: uniqueName("db") })],
];

for (const [name, env] of backends) {
  describe(`match summaries end to end on ${name}`, () => {
    test("a scripted match ingested over REST is summarised by the built-in worker and read back everywhere", async () => {
      await using server = await startTestServer(await env());
      const { frames, matchId: MATCH_ID, summary: STANDARD_MATCH_SUMMARY } = freshMatch();
      for (const raw of frames) {
        const res = await fetch(`${server.url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(raw) });
        expect(await res.json()).toEqual({ success: true, match_id: MATCH_ID });
      }
      const stored = await waitFor("the summary", async () => {
        const res = await fetch(`${server.url}/v1/matches/${MATCH_ID}`);
        return res.status === 200 ? res.json() : null;
      });
      expect(stored).toEqual(STANDARD_MATCH_SUMMARY);

      const byPlayer = await (await fetch(`${server.url}/v1/matches?player=1003`)).json();
      expect(byPlayer).toEqual({ items: [STANDARD_MATCH_SUMMARY], next_cursor: null });
      expect((await (await fetch(`${server.url}/v1/matches?player=nobody`)).json()).items).toEqual([]);
      expect((await fetch(`${server.url}/v1/matches/unknown-match`)).status).toBe(404);
      expect((await fetch(`${server.url}/v1/matches?limit=0`)).status).toBe(400);

      const client = createClient({ url: server.url });
      try {
        expect(await client.matches.get.query({ matchId: MATCH_ID })).toEqual(STANDARD_MATCH_SUMMARY);
        expect((await client.matches.list.query({ playerId: "1001" })).items.map((s) => s.match_id)).toEqual([MATCH_ID]);
        await expect(client.matches.get.query({ matchId: "unknown" })).rejects.toMatchObject({ data: { httpStatus: 404 } });
      } finally {
        await closeClient(client);
      }

      const gql = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `{ matchSummary(matchId: "${MATCH_ID}") { match_id players duration_seconds avg_ping final_round_scores per_round_stats { player rounds { round goals } } }
                    matchSummaries(player: "1002") { items { match_id } next_cursor } }`,
        }),
      });
      const { data, errors } = await gql.json();
      expect(errors).toBeUndefined();
      expect(data.matchSummary).toMatchObject({ match_id: MATCH_ID, players: ["1001", "1002", "1003", "1004"], duration_seconds: 185, avg_ping: 45.14, final_round_scores: { blue: 2, orange: 1 } });
      expect(data.matchSummary.per_round_stats[0]).toEqual({ player: "1001", rounds: [{ round: 1, goals: 1 }, { round: 2, goals: 0 }, { round: 3, goals: 1 }] });
      expect(data.matchSummaries).toEqual({ items: [{ match_id: MATCH_ID }], next_cursor: null });
    });

    test("ending a match needs a token, and its summary follows from the journal", async () => {
      await using server = await startTestServer(await env());
      const { frames, matchId: MATCH_ID } = freshMatch();
      for (const raw of frames.slice(0, 4)) {
        await fetch(`${server.url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(raw) });
      }
      const anonymous = createClient({ url: server.url });
      const token = await server.services.auth.sign("admin");
      const admin = createClient({ url: server.url, token });
      try {
        await expect(anonymous.matches.end.mutate({ matchId: MATCH_ID })).rejects.toMatchObject({ data: { httpStatus: 401 } });
        const ended = await admin.matches.end.mutate({ matchId: MATCH_ID });
        expect(ended).toMatchObject({ match_id: MATCH_ID, id: expect.stringMatching(/^\d+-\d+$/) });
        const summary = await waitFor("the summary", () => admin.matches.get.query({ matchId: MATCH_ID }).catch(() => null));
        expect(summary).toMatchObject({ match_id: MATCH_ID, players: ["1001", "1002", "1003", "1004"], final_round_scores: { blue: 1, orange: 0 } });
        // Ending again is harmless: the end action is keyed, the summary stays.
        await admin.matches.end.mutate({ matchId: MATCH_ID });
        expect(await admin.matches.get.query({ matchId: MATCH_ID })).toEqual(summary);
      } finally {
        await closeClient(anonymous);
        await closeClient(admin);
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain("gamejournal_match_summaries_written_total 1");
      expect(metrics).toContain("gamejournal_matches_open 0");
    });
  });
}
