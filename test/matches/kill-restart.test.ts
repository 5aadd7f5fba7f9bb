import { describe, expect, test } from "bun:test";
import { RTAPI_STREAM } from "@gamejournal/shared";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyEntry, emptyAggregate, toSummary } from "../../server/src/matches/index.ts";
import { freePort, sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { scriptFrame, type ScriptedPlayer } from "../support/match-script.ts";

/**
 * A long scripted match (seven rounds, 420 frames) under a session of its
 * own: pings move every frame, stats rise every few frames, a player leaves
 * and rejoins, each round ends on the scoreboard.
 */
function longMatch(session: string) {
  const frames: Array<Record<string, unknown>> = [];
  const rounds = 7;
  const perRound = 60;
  let blueWins = 0;
  let orangeWins = 0;
  for (let r = 0; r < rounds; r++) {
    for (let f = 0; f < perRound; f++) {
      const second = r * perRound + f;
      const last = f === perRound - 1;
      if (last) (r % 3 === 2 ? orangeWins++ : blueWins++);
      const stat = (base: number) => Math.floor(second / (5 + base));
      const player = (name: string, account: number, slot: number, base: number): ScriptedPlayer => ({
        name,
        account,
        slot,
        ping: 20 + ((second * (slot + 3)) % 70),
        stats: { goals: stat(base), points: 2 * stat(base), saves: stat(base + 2), passes: stat(base + 1), possession_time: second / (slot + 2) },
      });
      const deltaAway = r === 3 && f >= 10 && f < 30;
      const spec = {
        second,
        status: second === 0 ? "pre_match" : "playing",
        blue: [player("alpha", 2001, 0, 1), player("bravo", 2002, 1, 2)],
        orange: [player("charlie", 2003, 2, 3), ...(deltaAway ? [] : [player("delta", 2004, 3, 4)])],
        rounds: [blueWins, orangeWins] as [number, number],
        events: [
          ...(f === 0 ? [{ round_started: { round_number: r + 1 } }] : []),
          ...(last && r === rounds - 1 ? [{ match_ended: { winning_team: "BLUE TEAM" } }] : []),
        ],
      };
      if (last && r === rounds - 1) spec.status = "post_match";
      frames.push(scriptFrame(spec, { session }).raw);
    }
  }
  return frames;
}

/** The summary folded from scratch, in one pass, as a worker that never crashed would. */
function foldedFromScratch(matchId: string, frames: Array<Record<string, unknown>>) {
  let aggregate = emptyAggregate(matchId);
  frames.forEach((frame, i) => {
    aggregate = applyEntry(aggregate, RTAPI_STREAM, { id: `${1_000 + i}-0`, type: "frame", match_id: matchId, ts: 1_000 + i, data: { frame, node: "default-node" } });
  });
  return toSummary(aggregate);
}

function startProcess(port: number, env: Record<string, string>): Subprocess {
  return Bun.spawn(["bun", "server/src/main.ts", "serve"], {
    env: { ...process.env, AUTH_MODE: "open", ...env, SERVER_ADDRESS: `127.0.0.1:${port}`, LOG_LEVEL: "error", MATCH_INACTIVITY_TIMEOUT_SECONDS: "3600" },
    stdout: "ignore",
    stderr: "inherit",
  });
}

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
            async () => {
              const res = await fetch(`${url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(frame) });
              return res.status === 200;
            },
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
          async () => {
            const res = await fetch(`${url}/v1/matches/${matchId}`).catch(() => null);
            return res?.status === 200 ? res.json() : null;
          },
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
