import { describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sharedMongo, sharedRedis, startRedis, uniqueName, waitFor } from "../harness/index.ts";
import { killAndRestart, matchesInEveryPartition, startInstances } from "./instances.ts";
import { foldedFromScratch, longMatch, postFrame, startServeProcess as startProcess, storedSummary } from "./long-match.ts";

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis and MongoDB", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url, MONGODB_URI: (await sharedMongo()).url, MONGODB_DATABASE: uniqueName("db") })],
];

for (const [name, env] of backends) {
  describe(`match summaries through crashes on ${name}`, () => {
    test("killing the server at random points, many times, across a long match leaves the summary a single pass gives", async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "gamejournal-kill-"));
      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const processEnv = { ...(await env()), DATA_DIR: dataDir };
      const session = crypto.randomUUID();
      const matchId = `${session}.default-node`;
      const frames = longMatch(session);
      let server = startProcess(port, processEnv);
      let kills = 0;
      let stopKilling = false;
      // The killer: SIGKILL at a random moment, start again, many times, while frames are ingested and folded.
      const killer = (async () => {
        while (!stopKilling && kills < 12) {
          await Bun.sleep(150 + Math.random() * 450);
          if (stopKilling) break;
          server.kill("SIGKILL");
          await server.exited;
          kills++;
          server = startProcess(port, processEnv);
        }
      })();
      try {
        for (const frame of frames) {
          // An ingest interrupted by a crash is retried: frames are idempotent.
          await waitFor(
            "the frame to be accepted",
            () => postFrame(url, frame),
            { timeoutMs: 30_000, intervalMs: 25 },
          ).catch((error) => {
            throw new Error(`ingest failed after ${kills} kills: ${error}`);
          });
        }
        stopKilling = true;
        await killer;
        expect(kills).toBeGreaterThanOrEqual(3);
        const stored = await waitFor(
          "the summary",
          () => storedSummary(url, matchId),
          { timeoutMs: 45_000, intervalMs: 100 },
        );
        expect(stored).toEqual(foldedFromScratch(matchId, frames));
        expect(stored.duration_seconds).toBe(419);
        expect(stored.players).toEqual(["2001", "2002", "2003", "2004"]);
      } finally {
        stopKilling = true;
        await killer;
        server.kill("SIGTERM");
        await server.exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 120_000);
  });
}

describe("match summaries through crashes of one of three instances on Redis and MongoDB", () => {
  test("killing a random instance at random points of the ingest, many times, leaves every match's summary the one a single pass gives", async () => {
    await using redis = await startRedis();
    const env = {
      JOURNAL_REDIS_URI: redis.url,
      MONGODB_URI: (await sharedMongo()).url,
      MONGODB_DATABASE: uniqueName("kill3"),
      MATCH_PARTITIONS: "8",
      MATCH_PARTITION_LEASE_TTL_SECONDS: "2",
      WORKER_RECLAIM_IDLE_SECONDS: "2",
    };
    await using instances = await startInstances(3, env);
    // One match in every partition, so every partition moves between holders as they die and come back.
    const matches = matchesInEveryPartition(8, 1).map((m) => ({ ...m, frames: longMatch(m.session, { rounds: 3, perRound: 40 }) }));
    const total = matches.length * matches[0]!.frames.length;
    // Kill points: frames of the interleaved ingest (not moments of the clock), spread over all of it.
    const killAt = new Set(Array.from({ length: 7 }, (_, k) => Math.floor(((k + Math.random()) * (total - 40)) / 7) + 20));
    let sent = 0;
    let kills = 0;
    for (let f = 0; f < matches[0]!.frames.length; f++) {
      for (const match of matches) {
        if (killAt.has(sent)) {
          await killAndRestart(instances[Math.floor(Math.random() * instances.length)]!, env);
          kills++;
        }
        // Through the instances in turn; one that is down (restarting) is skipped, the frame retried on the next.
        let attempt = sent++;
        await waitFor("the frame accepted by a live instance", () => postFrame(instances[attempt++ % instances.length]!.url, match.frames[f]!), { timeoutMs: 30_000, intervalMs: 25 });
      }
    }
    expect(kills).toBe(killAt.size);
    for (const { matchId, frames } of matches) {
      const stored = await waitFor(`the summary of ${matchId}`, () => storedSummary(instances[0]!.url, matchId), { timeoutMs: 60_000, intervalMs: 100 });
      expect(stored).toEqual(foldedFromScratch(matchId, frames));
    }
  }, 180_000);
});
