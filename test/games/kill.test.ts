import { describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { runBots, type BotAck } from "../../server/src/games/bot/index.ts";
import { digestOf } from "../../server/src/games/digest.ts";
import { foldRoom } from "../../server/src/games/room.ts";
import { SqliteGameEventStore, type StoredEvent } from "../../server/src/games/store/index.ts";
import { freePort, waitForPort } from "../harness/index.ts";
import { track } from "../harness/processes.ts";

const ROOT = join(import.meta.dir, "..", "..");

function startProcess(port: number, dataDir: string): Subprocess {
  return track(
    Bun.spawn(["bun", "server/src/main.ts", "serve"], {
      cwd: ROOT,
      env: { ...process.env, AUTH_MODE: "open", SERVER_ADDRESS: `127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: "error", GAME_POINT_CARDS_TO_END: "3" },
      stdout: "ignore",
      stderr: "inherit",
    }),
  );
}

/** A stored player command id is `p<seat>.<joined event>:<the client's commandId>`. */
const clientCommandId = (stored: string | null) => (stored && /^p\d+\.\d+:/.test(stored) ? stored.slice(stored.indexOf(":") + 1) : null);

describe("game rooms through kill -9", () => {
  test("bots playing through a server killed at random moments: no acknowledged command lost, none applied twice, every game finishes and replays", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gamejournal-games-kill-"));
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    let server = startProcess(port, dataDir);
    await waitForPort(port);
    let kills = 0;
    let done = false;
    const acks: BotAck[] = [];
    // The killer: SIGKILL at random moments of the play (after a random number of acknowledged commands,
    // so the kills happen however fast this machine plays), start again at once, while the bots play.
    const killAt = Array.from({ length: 8 }, () => 5 + Math.floor(Math.random() * 150)).sort((x, y) => x - y);
    const killer = (async () => {
      for (const at of killAt) {
        while (!done && acks.length < at) await Bun.sleep(5);
        if (done) break;
        server.kill("SIGKILL");
        await server.exited;
        kills++;
        server = startProcess(port, dataDir);
        await waitForPort(port, 30_000).catch(() => {});
      }
    })();
    let retries = 0;
    const common = { url, players: "mixed" as const, onAck: (ack: BotAck) => void acks.push(ack), onRetry: () => void retries++, retry: { timeoutMs: 60_000, firstDelayMs: 25 } };
    try {
      // Commands over REST for some games and over /ws for others, all at once.
      const results = (
        await Promise.all([
          runBots({ ...common, games: 3, concurrency: 3, transport: "http", prefix: "kill-http", seed: "kill" }),
          runBots({ ...common, games: 3, concurrency: 3, transport: "ws", prefix: "kill-ws", seed: "kill" }),
        ])
      ).flat();
      done = true;
      await killer;
      console.error(`kill test: ${kills} kills, ${retries} retries, ${acks.length} acks, ${acks.filter((a) => a.duplicate).length} answered as duplicates`);
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(retries).toBeGreaterThan(0);
      expect(results.map((r) => r.status)).toEqual(Array(6).fill("finished"));
    } finally {
      done = true;
      await killer;
      server.kill("SIGKILL");
      await server.exited;
    }

    // The log as the store kept it, read directly once no server runs.
    const db = openSqlite(join(dataDir, "documents.db"));
    try {
      const store = new SqliteGameEventStore(db, { clock: { now: () => Date.now() } });
      for (const gameId of new Set(acks.map((a) => a.gameId))) {
        const log: StoredEvent[] = await store.read(gameId, { limit: 10_000 });
        expect(log.map((e) => e.eventId)).toEqual(log.map((_, i) => i + 1));
        // Each applied command is one run of consecutive events.
        const runs = new Map<string, StoredEvent[]>();
        log.forEach((event, i) => {
          const id = clientCommandId(event.commandId);
          if (id === null) return;
          if (log[i - 1]?.commandId !== event.commandId) expect(runs.has(id)).toBe(false); // applied twice
          runs.set(id, [...(runs.get(id) ?? []), event]);
        });
        const gameAcks = acks.filter((a) => a.gameId === gameId);
        // Every acknowledged command is in the log once, with exactly the events its answer listed.
        for (const ack of gameAcks) {
          const run = runs.get(ack.command.commandId);
          expect(run?.map((e) => e.eventId)).toEqual(ack.eventIds);
          expect(run?.[0]?.playerId).toBe(ack.playerId);
        }
        // And nothing is in the log that was never acknowledged: the bots got an answer for everything applied.
        expect([...runs.keys()].sort()).toEqual([...new Set(gameAcks.map((a) => a.command.commandId))].sort());
        const folded = foldRoom(log).state;
        expect(folded.status).toBe("finished");
        expect(digestOf(folded)).toBe(digestOf(foldRoom(await store.read(gameId, { limit: 10_000 })).state));
      }
    } finally {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
