import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import { sharedMongo, startRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";
import { foldedFromScratch, longMatch, postFrame, storedSummary } from "./long-match.ts";
import { matchesInEveryPartition, metric, startInstances } from "./instances.ts";

const PARTITIONS = 8;

/**
 * Three `serve` processes on one redis-server of the test's own and one
 * MongoDB database: how they share the built-in workers' work.
 */
describe("three instances on one Redis", () => {
  test("each joins the consumer groups under its own name, the match partitions spread over all three, and every match is summarised once", async () => {
    await using redis = await startRedis({ appendfsync: "everysec" });
    const env = {
      JOURNAL_REDIS_URI: redis.url,
      MONGODB_URI: (await sharedMongo()).url,
      MONGODB_DATABASE: uniqueName("instances"),
      MATCH_PARTITIONS: String(PARTITIONS),
      MATCH_PARTITION_LEASE_TTL_SECONDS: "2",
    };
    await using instances = await startInstances(3, env);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      // Balanced: all eight held, by all three, at most ceil(8 / 3) each.
      await waitFor(
        "the partitions spread over the three",
        async () => {
          const counts = await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_partitions_held")));
          return counts.reduce((a, b) => a + b) === PARTITIONS && counts.every((n) => n > 0 && n <= 3);
        },
        { timeoutMs: 30_000 },
      );

      // Three matches in every partition, ingested through the three in turn, interleaved.
      const matches = matchesInEveryPartition(PARTITIONS, 3).map((m) => ({ ...m, frames: longMatch(m.session, { rounds: 2, perRound: 10 }) }));
      let sent = 0;
      for (let f = 0; f < matches[0]!.frames.length; f++) {
        for (const match of matches) {
          const via = instances[sent++ % instances.length]!;
          await waitFor("the frame accepted", () => postFrame(via.url, match.frames[f]!));
        }
      }
      for (const { matchId, frames } of matches) {
        const stored = await waitFor(`the summary of ${matchId}`, () => storedSummary(instances[0]!.url, matchId), { timeoutMs: 30_000 });
        expect(stored).toEqual(foldedFromScratch(matchId, frames));
      }

      // Written once each (no crash, so no summary stored twice), and by every instance: the work was shared.
      const written = await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_summaries_written_total")));
      expect(written.reduce((a, b) => a + b)).toBe(matches.length);
      for (const n of written) expect(n).toBeGreaterThan(0);

      // XINFO CONSUMERS: the session events group has one consumer per instance, each named <host>:<pid>:<random>.
      const sessions = (await client.xInfoConsumers("events:rtapi", "session-events")) as unknown as Array<{ name: string; pending: number }>;
      expect(sessions.map((c) => c.name)).toHaveLength(3);
      expect(new Set(sessions.map((c) => c.name)).size).toBe(3);
      for (const c of sessions) expect(c.name).toMatch(/^[^:]+:\d+:[0-9a-f]{8}$/);
      // Each partition's group has its one fixed consumer, held by one instance at a time.
      for (let p = 0; p < PARTITIONS; p++) {
        const consumers = (await client.xInfoConsumers("events:rtapi", `match-summaries-p${p}of${PARTITIONS}`)) as unknown as Array<{ name: string }>;
        expect(consumers.map((c) => c.name)).toEqual(["match-summarizer"]);
      }
    } finally {
      client.destroy();
    }
  }, 120_000);
});

describe("an API-only instance (WORKERS_ENABLED=false) beside one with workers", () => {
  test("the API-only one ingests and answers reads but joins no group and holds no partition; the other summarises what it took in", async () => {
    await using redis = await startRedis({ appendfsync: "everysec" });
    const env = {
      JOURNAL_REDIS_URI: redis.url,
      MONGODB_URI: (await sharedMongo()).url,
      MONGODB_DATABASE: uniqueName("api-only"),
      MATCH_PARTITIONS: "2",
      MATCH_PARTITION_LEASE_TTL_SECONDS: "2",
    };
    await using api = await startInstances(1, { ...env, WORKERS_ENABLED: "false" });
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const session = crypto.randomUUID();
      const matchId = `${session}.default-node`;
      const frames = longMatch(session, { rounds: 2, perRound: 10 });
      for (const frame of frames) await waitFor("the frame accepted", () => postFrame(api[0]!.url, frame));
      // Accepted and journaled, but nobody reads: no consumer group, no partition held, no summary.
      expect(await client.xLen("events:rtapi")).toBeGreaterThanOrEqual(frames.length);
      expect(await client.xInfoGroups("events:rtapi")).toEqual([]);
      expect(await metric(api[0]!.url, "gamejournal_match_partitions_held")).toBe(0);
      expect(await storedSummary(api[0]!.url, matchId)).toBeNull();

      await using workers = await startInstances(1, env);
      const stored = await waitFor(`the summary of ${matchId}, read through the API-only instance`, () => storedSummary(api[0]!.url, matchId), { timeoutMs: 30_000 });
      expect(stored).toEqual(foldedFromScratch(matchId, frames));
      expect(await metric(workers[0]!.url, "gamejournal_match_partitions_held")).toBe(2);
      const sessions = (await client.xInfoConsumers("events:rtapi", "session-events")) as unknown as Array<{ name: string }>;
      expect(sessions).toHaveLength(1);
    } finally {
      client.destroy();
    }
  }, 120_000);
});

describe("embedded, with partitions", () => {
  test("one process holds every partition, reads each partition's groups, and summarises every match once", async () => {
    await using server = await startTestServer({ MATCH_PARTITIONS: "4" });
    const matches = matchesInEveryPartition(4, 2).map((m) => ({ ...m, frames: longMatch(m.session, { rounds: 2, perRound: 8 }) }));
    for (let f = 0; f < matches[0]!.frames.length; f++) {
      for (const match of matches) expect(await postFrame(server.url, match.frames[f]!)).toBe(true);
    }
    for (const { matchId, frames } of matches) {
      const stored = await waitFor(`the summary of ${matchId}`, () => storedSummary(server.url, matchId));
      expect(stored).toEqual(foldedFromScratch(matchId, frames));
    }
    expect(await metric(server.url, "gamejournal_match_partitions_held")).toBe(4);
    expect(await metric(server.url, "gamejournal_match_summaries_written_total")).toBe(matches.length);
    const groups = (await server.services.journal.journal.info("events:rtapi"))!.groups.map((g) => g.name).filter((n) => n.startsWith("match-summaries"));
    expect(groups.toSorted()).toEqual([0, 1, 2, 3].map((p) => `match-summaries-p${p}of4`));
  });
});
