import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { GameView } from "@gamejournal/shared";
import { createCluster, type RedisClusterType } from "redis";
import { closeClient, createClient } from "../../client/src/index.ts";
import { createAuth } from "../../server/src/auth/auth.ts";
import { slotOf } from "../../server/src/backends/redis-nodes.ts";
import { stateFromView } from "../../server/src/games/bot/view-state.ts";
import { randomCommand, seededRandom } from "../../server/src/games/rules/index.ts";
import { rest, startGame } from "../games/clients.ts";
import { sharedMongo, startRedisCluster, uniqueName, waitFor, type RedisClusterHandle } from "../harness/index.ts";
import { snapshotEntry } from "../lobby/gm-events-helpers.ts";
import { freshMatch } from "../support/match-script.ts";
import { startInstances, type Instances } from "./instances.ts";

/**
 * Three `serve` processes on a Redis Cluster of three masters, each with a
 * replica, and one MongoDB database: every route, the live feeds and the
 * built-in workers, then a kill -9 of an instance and of a master during
 * keyed ingest. Progress-based: kills happen after so many acknowledged
 * appends, never after a time.
 */

let cluster: RedisClusterHandle;
let instances: Instances;
let redis: RedisClusterType;
const SECRET = "three-instances-share-this-secret-0123";

beforeAll(async () => {
  cluster = await startRedisCluster({ replicasPerMaster: 1, appendfsync: "everysec", nodeTimeoutMs: 2_000 });
  instances = await startInstances(3, {
    JOURNAL_REDIS_URI: cluster.url,
    JOURNAL_REDIS_CLUSTER: "true",
    JOURNAL_REDIS_CLUSTER_NODES: cluster.urls.slice(1).join(","),
    MONGODB_URI: (await sharedMongo()).url,
    MONGODB_DATABASE: uniqueName("scale"),
    LOBBY_GM_EVENTS_LEASE_TTL_SECONDS: "2",
    // Summarization spread over the three, as docker-compose.cluster.yml runs it: partition leases on the cluster.
    MATCH_PARTITIONS: "8",
    JWT_SECRET: SECRET,
  });
  redis = createCluster({ rootNodes: cluster.urls.map((url) => ({ url })) });
  await redis.connect();
});

afterAll(async () => {
  redis?.destroy();
  await instances?.[Symbol.asyncDispose]();
  await cluster?.[Symbol.asyncDispose]();
});

async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Lobby ids whose streams hash to different thirds of the slots: on three masters, different nodes. */
function lobbiesOnDifferentMasters(count: number): string[] {
  const ids: string[] = [];
  const prefix = uniqueName("lobby");
  for (let n = 0; ids.length < count; n++) if (Math.floor(slotOf(`${prefix}-${n}`) / 5462) === ids.length % 3) ids.push(`${prefix}-${n}`);
  return ids;
}

const action = (n: number, session = "s1") => ({ user_id: `u${n}`, session_id: session, match_id: "m1", action: "goal_scored", data: { n }, key: `${session}-${n}` });

describe("three instances on a Redis Cluster with replicas", () => {
  test("every route, two live lobbies on different masters, session events, summaries, game rooms and the lobby worker", async () => {
    const [a, b, c] = instances.all.map((i) => i.url) as [string, string, string];

    // Journal appends on each instance, read back from another.
    for (const [n, url] of [a, b, c].entries()) expect((await call(url, "POST", "/v1/journal/player-actions", [{ ...action(n), key: uniqueName("k") }])).status).toBe(200);
    const actions = (await call(c, "GET", "/v1/journal/events:player_actions")).body.events as unknown[];
    expect(actions.length).toBeGreaterThanOrEqual(3);

    // Live: one client on instance a follows two lobbies on different masters; broadcasts go through b and c.
    const lobbies = lobbiesOnDifferentMasters(2);
    const client = createClient({ url: a, subscriptions: "ws" });
    const received = new Map<string, string[]>(lobbies.map((l) => [l, []]));
    const started = new Set<string>();
    const subs = lobbies.map((lobbyId) =>
      client.telemetry.lobby.subscribe({ lobbyId }, { onStarted: () => void started.add(lobbyId), onData: ({ id }) => void received.get(lobbyId)!.push(id) }),
    );
    try {
      await waitFor("both subscriptions", () => started.size === 2);
      const sent = new Map<string, string[]>(lobbies.map((l) => [l, []]));
      for (let n = 0; n < 20; n++) {
        for (const [i, lobby] of lobbies.entries()) {
          const answer = await call(i === 0 ? b : c, "POST", `/v1/lobbies/${lobby}/telemetry`, { n });
          expect(answer.status).toBe(200);
          sent.get(lobby)!.push(answer.body.id);
        }
      }
      await waitFor("every broadcast on both lobbies", () => lobbies.every((l) => received.get(l)!.length >= 20));
      for (const lobby of lobbies) expect(received.get(lobby)).toEqual(sent.get(lobby)!);
    } finally {
      for (const sub of subs) sub.unsubscribe();
      await closeClient(client);
    }

    // /rtapi: subscribe on a, list on b, unsubscribe on c.
    const headers = { "X-Session-ID": "session-1", "X-User-ID": "user-1" };
    expect((await call(a, "POST", "/rtapi/subscribe", { lobby_id: lobbies[0] }, headers)).status).toBe(200);
    expect((await call(b, "GET", `/rtapi/subscriptions?lobby_id=${lobbies[0]}`)).body.count).toBe(1);
    expect((await call(c, "POST", "/rtapi/unsubscribe", { lobby_id: lobbies[0] }, headers)).status).toBe(200);
    expect((await call(a, "GET", `/rtapi/subscriptions?lobby_id=${lobbies[0]}`)).body.count).toBe(0);

    // Session events: a match's frames spread over the three; its events and its summary read back anywhere.
    const match = freshMatch();
    for (const [i, frame] of match.frames.entries()) expect((await call(instances.pick(i).url, "POST", "/session-events", frame)).status).toBe(200);
    const summary = await waitFor("the match summary", async () => {
      const answer = await call(b, "GET", `/v1/matches/${match.matchId}`);
      return answer.status === 200 ? answer.body : null;
    });
    expect(summary).toEqual(match.summary);
    expect((await call(c, "GET", `/session-events/${match.matchId}`)).body.count).toBe(match.frames.length);

    // Game rooms: created on a, a command through b, the same view on c.
    const gameId = uniqueName("game");
    const tokens = await startGame(a, gameId, 2);
    const view = (await rest(b, "GET", `/api/games/${gameId}`)).body as GameView;
    const seat = view.currentPlayer!;
    const mine = (await rest(b, "GET", `/api/games/${gameId}`, undefined, tokens.get(seat))).body as GameView;
    const command = randomCommand(stateFromView(mine), seat, seededRandom(gameId))!;
    const reply = await rest(b, "POST", `/api/games/${gameId}/commands`, command, tokens.get(seat));
    expect(reply.body.success).toBe(true);
    expect((await rest(c, "GET", `/api/games/${gameId}`)).body.version).toBe(reply.body.version);

    // The lobby worker: a game made on a, the Game Master's snapshot XADDed to the cluster, the record read on c.
    // The lobby's API wants a caller even on a private network.
    const bearer = { authorization: `Bearer ${await createAuth(SECRET).sign("tester")}` };
    const created = await call(a, "POST", "/v1/lobby/games", { name: "a game", max_players: 4 }, bearer);
    expect(created.status).toBe(201);
    const id = created.body.game_id as string;
    await redis.xAdd("gm:lobby_events", "*", snapshotEntry(id, 7));
    await waitFor("the snapshot in the record", async () => (await call(c, "GET", `/v1/lobby/games/${id}`, undefined, bearer)).body?.runtime_snapshot?.current_turn === 7, { timeoutMs: 30_000 });
  });

  test("kill -9 of an instance and of a master during keyed ingest loses nothing acknowledged and stores nothing twice", async () => {
    const lobby = uniqueName("killtest");
    const run = uniqueName("run");
    const acked = new Set<number>();
    let next = 0;
    const total = 1_500;
    let failures = 0;
    let spooled = 0;
    /** One keyed append, retried on the next running instance until one acknowledges it (an id, or spooled). */
    async function ingest(n: number): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        const url = instances.pick(n + attempt).url;
        try {
          const answer =
            n % 2 === 0
              ? await call(url, "POST", "/v1/journal/player-actions", [action(n, run)])
              : await call(url, "POST", `/v1/lobbies/${lobby}/telemetry`, { n }, { "Idempotency-Key": `telemetry-${n}` });
          if (answer.status === 200) {
            if (answer.body.spooled) spooled++;
            acked.add(n);
            return;
          }
        } catch {
          // the instance died under the request: try another
        }
        failures++;
        await Bun.sleep(Math.min(20 * attempt, 500));
      }
    }
    const writers = Array.from({ length: 8 }, async () => {
      while (next < total) await ingest(next++);
    });

    const victim = instances.all[1]!;
    await waitFor("300 acknowledged", () => acked.size >= 300, { timeoutMs: 60_000 });
    await victim.kill();
    await waitFor("600 acknowledged", () => acked.size >= 600, { timeoutMs: 60_000 });
    const master = await cluster.masterOf("events:player_actions");
    await master.stop({ kill: true });
    await Promise.all(writers);
    expect(acked.size).toBe(total);

    // The killed instance comes back with its DATA_DIR and drains what it had spooled; the cluster has failed over.
    await victim.start();
    await cluster.waitHealthy();
    for (const instance of instances.all) {
      await waitFor("the spool to drain", async () => (await call(instance.url, "GET", "/health")).body.dependencies.redis.spool_depth === 0, { timeoutMs: 60_000 });
    }
    const read = async (stream: string) => {
      const all: number[] = [];
      for (let after = ""; ; ) {
        const page = (await call(instances.pick(0).url, "GET", `/v1/journal/${stream}?count=1000${after ? `&after=${after}` : ""}`)).body.events as Array<{
          id: string;
          session_id?: string;
          lobby_id?: string;
          data: { n: number };
        }>;
        if (page.length === 0) return all;
        // This run's player actions (the stream also holds the other test's); the lobby is this run's alone.
        all.push(...page.filter((e) => e.session_id === run || e.lobby_id === lobby).map((e) => e.data.n));
        after = page[page.length - 1]!.id;
      }
    };
    const actions = await read("events:player_actions");
    const telemetry = await read(`lobby:{${lobby}}:events`);
    const rtapi = await read("events:rtapi");
    const expected = (parity: number) => [...acked].filter((n) => n % 2 === parity).sort((x, y) => x - y);
    expect([...actions].sort((x, y) => x - y)).toEqual(expected(0));
    expect([...telemetry].sort((x, y) => x - y)).toEqual(expected(1));
    expect([...rtapi].sort((x, y) => x - y)).toEqual(expected(1));
    console.log(
      `[kill test] ${acked.size} acknowledged (${spooled} of them spooled, ${failures} failed attempts retried): ` +
        `player actions ${actions.length}, lobby telemetry ${telemetry.length}, events:rtapi ${rtapi.length}; lost 0, duplicated 0`,
    );
  });
});
