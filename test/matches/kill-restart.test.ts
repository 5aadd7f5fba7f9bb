import { describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
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
