import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { LOBBY_EVENTS_STREAM, toGameRecordsStream, type JournalEntry } from "@gamejournal/shared";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { createAuth } from "../../server/src/auth/auth.ts";
import type { RedisClient } from "../../server/src/backends/redis.ts";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import type { Journal } from "../../server/src/journal/journal.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import type { LobbyApi } from "../../server/src/lobby/index.ts";
import { silentLogger } from "../../server/src/log.ts";
import type { AuthUser } from "../../server/src/platform/auth-user.ts";
import { freePort, startRedis, waitFor, type ServiceHandle } from "../harness/index.ts";
import { killPlan, SENTINEL_GAME, SENTINEL_TURN, TOTAL, type KillPlan } from "./kill-plan.ts";
import { startLobbyServer, type LobbyServer } from "./server-fixtures.ts";

/**
 * The 10,000-entry Game Master stream of kill-plan.ts (100 games), consumed
 * by a spawned server that is killed with SIGKILL at random moments and
 * started again, many times, while the entries arrive and are consumed:
 * the final records, stats, capability results and transitions equal those
 * of one clean pass over the same entries (a server never killed), and each
 * game's evaluation had its effects once (one `capabilities_evaluated` on
 * `lobby:events`, one `game_finished` and one `capabilities_evaluated` on its
 * records stream). Embedded, the entries arrive through
 * `POST /v1/lobby/gm-events` (retried with their Idempotency-Key across
 * crashes); with Redis, they are XADDed to the Redis stream, and the worker
 * runs under the Redis lease (a restarted instance waits out the dead one's).
 * The Redis deployment keeps its documents in SQLite here: FerretDB handles
 * about 30 entries a second, too slow for 10,000 in a test.
 */

const SECRET = "kill-restart-test-secret-0123456789";
/** The clean pass's in-process caller of the Lobby API. */
const GAME_MASTER: AuthUser = { sub: "game-master", scopes: ["ingest"], via: "token" };
/** Each kill costs a restart (about a second, and the lease's TTL with Redis): enough to land at many points, few enough for about 20 s a run. */
const MAX_KILLS = 8;

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

function caller(url: string, token: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };
}

async function must(call: Call, method: string, path: string, body: unknown, status = 200) {
  const answer = await call(method, path, body);
  if (answer.status !== status) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The plan's games over the API, each moved to running (or paused), and the sentinel game. */
async function setUpGames(call: Call, plan: KillPlan) {
  const path: Array<[string, string]> = [
    ["draft", "enrollment_open"],
    ["enrollment_open", "ready_to_start"],
    ["ready_to_start", "starting"],
    ["starting", "running"],
  ];
  for (const game of [...plan.games, { id: SENTINEL_GAME, members: [], paused: false }]) {
    await must(call, "POST", "/v1/lobby/games", { game_id: game.id, name: game.id }, 201);
    for (const user of game.members) await must(call, "POST", `/v1/lobby/games/${game.id}/members`, { user_id: user });
    for (const [from, to] of [...path, ...(game.paused ? [["running", "paused"] as [string, string]] : [])]) {
      await must(call, "POST", `/v1/lobby/games/${game.id}/transitions`, { from, to });
    }
  }
}

/** Everything compared between passes; times that depend on the clock are left out. */
async function outcome(call: Call, journal: Journal, plan: KillPlan) {
  const games: Record<string, unknown> = {};
  for (const { id } of plan.games) {
    const { updated_at, created_at, started_at, runtime_snapshot, ...record } = await must(call, "GET", `/v1/lobby/games/${id}`, undefined);
    const { updated_at: _at, ...snapshot } = runtime_snapshot ?? {};
    const capabilities = await call("GET", `/v1/lobby/games/${id}/capabilities`);
    const { evaluated_at, ...evaluation } = capabilities.status === 200 ? capabilities.body : { evaluated_at: null };
    const records = await journal.read(toGameRecordsStream(id), { count: 100_000 });
    const count = (type: string) => records.filter((e) => e.type === type).length;
    games[id] = {
      record: { ...record, started: started_at !== null, runtime_snapshot: runtime_snapshot ? snapshot : null },
      stats: await must(call, "GET", `/v1/lobby/games/${id}/stats`, undefined),
      capabilities: capabilities.status === 200 ? evaluation : capabilities.status,
      // The transitions, as announced on the game's records stream (a recovered finish has no `from`).
      transitions: records
        .filter((e) => e.type === "status_changed" || e.type === "game_finished")
        .map((e) => {
          const d = e.data as { from?: string; to: string; trigger: string };
          return e.type === "game_finished" ? `${e.type}: ${d.to} by ${d.trigger}` : `${d.from} -> ${d.to} by ${d.trigger}`;
        }),
      evaluations_on_records: count("capabilities_evaluated"),
    };
  }
  const evaluations = (await journal.read(LOBBY_EVENTS_STREAM, { count: 100_000 })).filter((e) => e.type === "capabilities_evaluated");
  return { games, evaluations: evaluationsByGame(evaluations) };
}

function evaluationsByGame(entries: JournalEntry[]) {
  const byGame: Record<string, unknown[]> = {};
  for (const entry of entries) {
    const { evaluated_at, ...data } = entry.data as { game_id: string; evaluated_at: string };
    (byGame[data.game_id] ??= []).push(data);
  }
  return byGame;
}

let plan: KillPlan;
let clean: Awaited<ReturnType<typeof outcome>>;
let cleanServer: LobbyServer | undefined;

beforeAll(async () => {
  plan = killPlan();
  expect(plan.entries).toHaveLength(TOTAL);
  // One clean pass: an embedded server in this process, never killed, fed the same entries in order.
  cleanServer = await startLobbyServer("embedded");
  const call = caller(cleanServer.url, cleanServer.token);
  await setUpGames(call, plan);
  const api = cleanServer.server.services.domains.get("lobby") as LobbyApi;
  for (const [i, { fields }] of plan.entries.entries()) await api.appendGmEvent(GAME_MASTER, fields, { key: `e${i}` });
  await cleanServer.waitForGame(SENTINEL_GAME, (g) => g.runtime_snapshot?.current_turn === SENTINEL_TURN, 60_000);
  clean = await outcome(call, cleanServer.server.services.journal.journal, plan);
}, 120_000);

afterAll(async () => {
  await cleanServer?.[Symbol.asyncDispose]();
});

test("the clean pass finishes, evaluates and counts what the plan says", async () => {
  const finishing = plan.games.filter((g) => g.finishes);
  const games = clean.games as Record<string, { record: { status: string }; transitions: string[]; capabilities: unknown }>;
  expect(plan.games.filter((g) => games[g.id]!.record.status === "finished").map((g) => g.id)).toEqual(finishing.map((g) => g.id));
  expect(Object.keys(clean.evaluations).sort()).toEqual(finishing.map((g) => g.id));
  for (const game of plan.games) expect(games[game.id]!.transitions.filter((t) => t.startsWith("game_finished"))).toHaveLength(game.finishes ? 1 : 0);
  const capable = finishing.flatMap((g) => (games[g.id]!.capabilities as { players: Array<{ capable: boolean }> }).players.map((p) => p.capable));
  expect(capable.filter(Boolean).length).toBeGreaterThan(10);
  expect(capable.filter((c) => !c).length).toBeGreaterThan(10);
  // The metric of the clean pass agrees with the transitions announced.
  const byMetric = (from: string) =>
    cleanServer!.metric("lobby_game_transitions_total", { from_status: from, to_status: "finished", trigger: "runtime_event" });
  expect(await byMetric("running")).toBe(finishing.filter((g) => !g.paused).length);
  expect(await byMetric("paused")).toBe(finishing.filter((g) => g.paused).length);
});

function spawnServer(port: number, env: Record<string, string>): Subprocess {
  return Bun.spawn(["bun", "server/src/main.ts", "serve"], {
    env: { ...process.env, ...env, SERVER_ADDRESS: `127.0.0.1:${port}`, LOG_LEVEL: "error", JWT_SECRET: SECRET, LOBBY_GM_EVENTS_LEASE_TTL_SECONDS: "1" },
    stdout: "ignore",
    stderr: "inherit",
  });
}

async function isUp(url: string): Promise<boolean> {
  return fetch(`${url}/health`).then((r) => r.status === 200, () => false);
}

/** Posts one entry through the route until it is accepted, across crashes; the key makes a retry of a stored entry a no-op. */
async function postUntilAccepted(url: string, token: string, fields: Record<string, string>, key: string): Promise<void> {
  for (;;) {
    const status = await fetch(`${url}/v1/lobby/gm-events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": key },
      body: JSON.stringify(fields),
    }).then((r) => r.status, () => 0);
    if (status === 202) return;
    if (status >= 400 && status < 500) throw new Error(`gm-events answered ${status}`);
    await Bun.sleep(20);
  }
}

const deployments: Array<[string, "embedded" | "redis"]> = [
  ["the embedded deployment (entries through POST /v1/lobby/gm-events)", "embedded"],
  ["Redis (entries XADDed to the Redis stream; documents in SQLite)", "redis"],
];

describe.each(deployments)("10,000 gm events on %s, the server killed with SIGKILL at random moments", (_name, kind) => {
  test("end with the records, stats, capabilities and transitions of one clean pass, each evaluation once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gamejournal-lobby-kill-"));
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    let redisServer: ServiceHandle | undefined;
    let redis: RedisClient | undefined;
    const env: Record<string, string> = { DATA_DIR: dataDir };
    if (kind === "redis") {
      redisServer = await startRedis({ appendfsync: "everysec" });
      env.JOURNAL_REDIS_URI = redisServer.url;
      redis = createClient({ url: redisServer.url }) as RedisClient;
      await redis.connect();
    }
    const token = await createAuth(SECRET).sign("game-master", { scopes: ["admin"] });
    const call = caller(url, token);
    let server = spawnServer(port, env);
    let consumed = false;
    let kills = 0;
    try {
      await waitFor("the server", () => isUp(url), { timeoutMs: 30_000 });
      await setUpGames(call, plan);

      // The killer: SIGKILL and a new start at MAX_KILLS random points of the feed (counted in entries fed,
      // so the kills happen however fast this machine consumes), each once the server is up again.
      let fedCount = 0;
      const killAt = Array.from({ length: MAX_KILLS }, () => 200 + Math.floor(Math.random() * (plan.entries.length - 1_000))).sort((a, b) => a - b);
      const killer = (async () => {
        for (const at of killAt) {
          await waitFor("the server", () => isUp(url), { timeoutMs: 30_000, intervalMs: 25 });
          while (!consumed && fedCount < at) await Bun.sleep(5);
          if (consumed) break;
          server.kill("SIGKILL");
          await server.exited;
          kills++;
          server = spawnServer(port, env);
        }
      })();

      const feeding =
        kind === "embedded"
          ? // Eight feeders, each owning some games: each game's entries arrive in their order.
            Promise.all(
              Array.from({ length: 8 }, async (_, lane) => {
                for (const [i, { game, fields }] of plan.entries.entries()) {
                  if (i === plan.entries.length - 1 || (game >= 0 ? game : i) % 8 !== lane) continue;
                  await postUntilAccepted(url, token, fields, `e${i}`);
                  fedCount++;
                }
              }),
            ).then(() => postUntilAccepted(url, token, plan.entries.at(-1)!.fields, `e${plan.entries.length - 1}`))
          : // The Game Master's pace: 125 entries every 100 ms.
            (async () => {
              for (let i = 0; i < plan.entries.length; i += 125) {
                const batch = redis!.multi();
                for (const { fields } of plan.entries.slice(i, i + 125)) batch.xAdd("gm:lobby_events", "*", fields);
                await batch.exec();
                fedCount += 125;
                await Bun.sleep(100);
              }
            })();

      const t0 = performance.now();
      await feeding;
      const fed = performance.now() - t0;
      await waitFor(
        "the sentinel, after every other entry",
        async () => {
          const answer = await call("GET", `/v1/lobby/games/${SENTINEL_GAME}`).catch(() => null);
          return answer?.body?.runtime_snapshot?.current_turn === SENTINEL_TURN;
        },
        { timeoutMs: 90_000, intervalMs: 100 },
      );
      consumed = true;
      console.log(`lobby kill test (${kind}): fed in ${Math.round(fed)} ms, consumed in ${Math.round(performance.now() - t0)} ms, ${kills} kills`);
      await killer;
      expect(kills).toBeGreaterThanOrEqual(3);
      await waitFor("the server", () => isUp(url), { timeoutMs: 30_000 });

      const journal: Journal = redis ? new RedisJournal(redis, silentLogger()) : new SqliteJournal(openSqlite(join(dataDir, "journal.db")));
      const killed = await outcome(call, journal, plan);
      expect(killed.games).toEqual(clean.games);
      expect(killed.evaluations).toEqual(clean.evaluations);
      for (const list of Object.values(killed.evaluations)) expect(list).toHaveLength(1);
    } finally {
      consumed = true;
      server.kill("SIGTERM");
      await server.exited;
      redis?.destroy();
      await redisServer?.[Symbol.asyncDispose]();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
