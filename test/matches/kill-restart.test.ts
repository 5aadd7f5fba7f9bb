import { describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sharedMongo, sharedRedis, startRedis, uniqueName, waitFor } from "../harness/index.ts";
import { killAndRestart, matchesInEveryPartition, startInstances, type ServeInstance } from "./instances.ts";
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

/**
 * What befalls an instance at a disruption point: it is killed and started again (the ingest waits), or it is
 * stopped (SIGSTOP) for longer than the partition lease's TTL and then goes on (the ingest goes on meanwhile to the
 * others): another instance takes its partitions over while it still holds their matches in memory, mid-batch.
 */
const disruptions: Array<[string, (instance: ServeInstance, env: Record<string, string>, paused: Set<ServeInstance>) => Promise<void>]> = [
  ["crashes", (instance, env) => killAndRestart(instance, env)],
  [
    "pauses longer than the lease",
    async (instance, _env, paused) => {
      if (paused.has(instance)) return;
      paused.add(instance);
      instance.process.kill("SIGSTOP");
      void Bun.sleep(3_000 + Math.random() * 1_000).then(() => {
        instance.process.kill("SIGCONT");
        paused.delete(instance);
      });
    },
  ],
];

for (const [what, disrupt] of disruptions) {
  describe(`match summaries through ${what} of one of three instances on Redis and MongoDB`, () => {
    test("disrupting a random instance at random points of the ingest, many times, leaves every match's summary the one a single pass gives", async () => {
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
      const paused = new Set<ServeInstance>();
      // One match in every partition, so every partition moves between holders as they die and come back.
      const matches = matchesInEveryPartition(8, 1).map((m) => ({ ...m, frames: longMatch(m.session, { rounds: 3, perRound: 40 }) }));
      const total = matches.length * matches[0]!.frames.length;
      // Disruption points: frames of the interleaved ingest (not moments of the clock), spread over all of it.
      const disruptAt = new Set(Array.from({ length: 7 }, (_, k) => Math.floor(((k + Math.random()) * (total - 40)) / 7) + 20));
      let sent = 0;
      let disruptions = 0;
      for (let f = 0; f < matches[0]!.frames.length; f++) {
        for (const match of matches) {
          if (disruptAt.has(sent)) {
            await disrupt(instances[Math.floor(Math.random() * instances.length)]!, env, paused);
            disruptions++;
          }
          // Through the live instances in turn; one that is down (restarting) is skipped, the frame retried on the next.
          let attempt = sent++;
          const next = () => {
            const live = instances.filter((i) => !paused.has(i));
            return live[attempt++ % live.length]!;
          };
          await waitFor("the frame accepted by a live instance", () => postFrame(next().url, match.frames[f]!), { timeoutMs: 30_000, intervalMs: 25 });
        }
      }
      expect(disruptions).toBe(disruptAt.size);
      await waitFor("every paused instance going on", () => paused.size === 0, { timeoutMs: 10_000 });
      for (const { matchId, frames } of matches) {
        const stored = await waitFor(`the summary of ${matchId}`, () => storedSummary(instances[0]!.url, matchId), { timeoutMs: 60_000, intervalMs: 100 });
        expect(stored).toEqual(foldedFromScratch(matchId, frames));
      }
    }, 180_000);
  });
}
