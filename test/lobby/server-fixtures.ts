import { LOBBY_EVENTS_STREAM, type GameStatus, type JournalEntry } from "@gamejournal/shared";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/redis.ts";
import { sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/**
 * A running server (in this process) for the lobby's end-to-end tests, on
 * each deployment, with what a test needs to drive it as its clients and
 * the Game Master would:
 * - "embedded": SQLite journal and documents; the Game Master appends
 *   through `POST /v1/lobby/gm-events`;
 * - "redis+mongodb": Redis and MongoDB (FerretDB); the Game Master XADDs to
 *   the Redis stream with node-redis.
 */

export interface Answer<T = any> {
  status: number;
  body: T;
}

export interface LobbyServer extends AsyncDisposable {
  readonly server: TestServer;
  readonly url: string;
  /** A valid token (subject `tester`). */
  readonly token: string;
  /** The Game Master's stream this server reads. */
  readonly stream: string;
  readonly deployment: "embedded" | "redis+mongodb";
  /** A REST call with the token (`token: null`: none; a string: that one). */
  call<T = any>(method: string, path: string, body?: unknown, opts?: { token?: string | null }): Promise<Answer<T>>;
  /** Adds one entry as the Game Master would (route or XADD); returns its id. */
  gm(fields: Record<string, string>): Promise<string>;
  /** A counter or gauge from `GET /metrics` (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** `capabilities_evaluated` entries on `lobby:events` for `gameId`. */
  evaluations(gameId: string): Promise<JournalEntry[]>;
  /** Creates a game over the API and moves it through the table to `status` (draft, running or paused). */
  game(opts?: { members?: string[]; status?: "draft" | "running" | "paused"; gameId?: string }): Promise<string>;
  /** Waits until `GET /v1/lobby/games/{id}` satisfies `check`; returns the record. */
  waitForGame(gameId: string, check: (record: any) => boolean, timeoutMs?: number): Promise<any>;
}

const PATH_TO_RUNNING: Array<[GameStatus, GameStatus]> = [
  ["draft", "enrollment_open"],
  ["enrollment_open", "ready_to_start"],
  ["ready_to_start", "starting"],
  ["starting", "running"],
];

export async function startLobbyServer(deployment: "embedded" | "redis+mongodb", env: Record<string, string> = {}): Promise<LobbyServer> {
  const stream = deployment === "embedded" ? "gm:lobby_events" : uniqueName("gm:lobby_events");
  let redis: RedisClient | undefined;
  let serverEnv: Record<string, string> = { ...env };
  if (deployment === "redis+mongodb") {
    const redisUrl = env.JOURNAL_REDIS_URI ?? (await sharedRedis()).url;
    serverEnv = {
      JOURNAL_REDIS_URI: redisUrl,
      MONGODB_URI: (await sharedMongo()).url,
      MONGODB_DATABASE: uniqueName("lobby"),
      LOBBY_GM_EVENTS_STREAM: stream,
      LOBBY_GM_EVENTS_LEASE_TTL_SECONDS: "2",
      ...env,
    };
    redis = createClient({ url: redisUrl, socket: { reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 500) } }) as RedisClient;
    redis.on("error", () => {});
    await redis.connect();
  }
  const server = await startTestServer(serverEnv);
  const token = await server.services.auth.sign("tester");
  const fx: LobbyServer = {
    server,
    url: server.url,
    token,
    stream,
    deployment,
    async call(method, path, body, { token: given } = {}) {
      const auth = given === undefined ? token : given;
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === "" ? null : JSON.parse(text) };
    },
    async gm(fields) {
      if (redis) return redis.xAdd(stream, "*", fields);
      const answer = await fx.call("POST", "/v1/lobby/gm-events", fields);
      if (answer.status !== 202) throw new Error(`gm-events answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.id as string;
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const wanted = Object.entries(labels);
      for (const line of text.split("\n")) {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const got = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        if (wanted.every(([k, v]) => got[k] === v)) return Number(match[3]);
      }
      return 0;
    },
    async evaluations(gameId) {
      const entries = await server.services.journal.journal.read(LOBBY_EVENTS_STREAM, { count: 100_000 });
      return entries.filter((e) => e.type === "capabilities_evaluated" && (e.data as { game_id?: string }).game_id === gameId);
    },
    async game({ members = [], status = "running", gameId } = {}) {
      const created = await fx.call("POST", "/v1/lobby/games", { ...(gameId ? { game_id: gameId } : {}), name: "a game", max_players: 10 });
      if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
      const id = created.body.game_id as string;
      for (const user of members) {
        const added = await fx.call("POST", `/v1/lobby/games/${id}/members`, { user_id: user });
        if (added.status !== 200) throw new Error(`add member answered ${added.status}: ${JSON.stringify(added.body)}`);
      }
      if (status === "draft") return id;
      for (const [from, to] of [...PATH_TO_RUNNING, ...(status === "paused" ? ([["running", "paused"]] as const) : [])]) {
        const moved = await fx.call("POST", `/v1/lobby/games/${id}/transitions`, { from, to, trigger: "command" });
        if (moved.status !== 200) throw new Error(`transition answered ${moved.status}: ${JSON.stringify(moved.body)}`);
      }
      return id;
    },
    async waitForGame(gameId, check, timeoutMs = 20_000) {
      return waitFor(
        `game ${gameId}`,
        async () => {
          const answer = await fx.call("GET", `/v1/lobby/games/${gameId}`);
          return answer.status === 200 && check(answer.body) ? answer.body : null;
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      if (redis) {
        await redis.del(stream).catch(() => {});
        redis.destroy();
      }
    },
  };
  return fx;
}

export const LOBBY_DEPLOYMENTS: Array<["embedded" | "redis+mongodb"]> = [["embedded"], ["redis+mongodb"]];
