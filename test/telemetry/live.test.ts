import { describe, expect, test } from "bun:test";
import { toLobbyStream } from "@gamejournal/shared";
import { closeClient, createClient, type GameJournalClient } from "../../client/src/index.ts";
import { freePort, clusterEnv, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url })],
  ["Redis Cluster", clusterEnv],
];

interface Received {
  id: string;
  type: string;
  data: unknown;
}

/** Subscribes to a lobby with the typed client and collects what arrives. */
function follow(client: GameJournalClient, lobbyId: string, lastEventId?: string, sessionId?: string) {
  const received: Received[] = [];
  const errors: unknown[] = [];
  let started = false;
  const sub = client.telemetry.lobby.subscribe(
    { lobbyId, ...(lastEventId ? { lastEventId } : {}), ...(sessionId ? { sessionId } : {}) },
    {
      onStarted: () => void (started = true),
      onData: ({ id, data }) => void received.push({ id, type: data.type, data: "data" in data ? data.data : data }),
      onError: (error) => void errors.push(error),
    },
  );
  return { received, errors, isStarted: () => started, stop: () => sub.unsubscribe() };
}

async function streamIds(server: TestServer, lobbyId: string): Promise<string[]> {
  const entries = await server.services.journal.journal.read(toLobbyStream(lobbyId), { count: 100_000 });
  return entries.map((e) => e.id);
}

for (const [name, env] of backends) {
  describe(`live lobby telemetry on ${name}`, () => {
    for (const transport of ["ws", "sse"] as const) {
      test(`the typed client receives broadcasts over ${transport}, in order, each with its id`, async () => {
        await using server = await startTestServer(await env());
        const client = createClient({ url: server.url, subscriptions: transport });
        const lobby = uniqueName("lobby");
        const feed = follow(client, lobby);
        try {
          await waitFor("the subscription to start", feed.isStarted);
          const sent: string[] = [];
          for (let n = 0; n < 20; n++) {
            sent.push((await client.telemetry.broadcast.mutate({ lobbyId: lobby, data: { n }, userId: "u1" })).id!);
          }
          await waitFor("20 events", () => feed.received.length >= 20);
          expect(feed.received.map((r) => r.id)).toEqual(sent);
          expect(feed.received.map((r) => (r.data as { n: number }).n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
          expect(feed.received[0]!.type).toBe("telemetry");
        } finally {
          feed.stop();
          await closeClient(client);
        }
      });

      test(`resuming at random points over ${transport} while 2,000 events are published loses and repeats nothing`, async () => {
        await using server = await startTestServer(await env());
        const client = createClient({ url: server.url, subscriptions: transport });
        const lobby = uniqueName("lobby");
        const total = 2_000;
        let published = 0;
        const publishing = (async () => {
          while (published < total) {
            const batch = Math.min(25, total - published);
            for (let i = 0; i < batch; i++) await server.services.telemetry.broadcast(lobby, { n: published + i });
            published += batch;
            await Bun.sleep(2);
          }
        })();
        const received: string[] = [];
        let last: string | undefined = "0-0";
        let reconnects = 0;
        try {
          while (received.length < total) {
            const take = 1 + Math.floor(Math.random() * 300);
            const feed = follow(client, lobby, last);
            await waitFor(
              "some events or the end",
              () => feed.received.length >= take || received.length + feed.received.length >= total,
              { timeoutMs: 30_000, intervalMs: 2 },
            );
            feed.stop(); // a disconnect at a random point; events may still be in flight and are dropped
            const kept = feed.received.slice(0, take);
            received.push(...kept.map((r) => r.id));
            last = received[received.length - 1] ?? last;
            reconnects++;
          }
          await publishing;
          expect(reconnects).toBeGreaterThan(3);
          expect(received).toEqual(await streamIds(server, lobby));
        } finally {
          await closeClient(client);
        }
      });
    }

    test("a resume from an id older than the lobby's retention first reports what was lost", async () => {
      await using server = await startTestServer({ ...(await env()), TELEMETRY_LOBBY_STREAM_MAXLEN: "10" });
      const client = createClient({ url: server.url });
      const lobby = uniqueName("lobby");
      const ids: string[] = [];
      for (let n = 0; n < 30; n++) ids.push((await server.services.telemetry.broadcast(lobby, { n })).id!);
      const feed = follow(client, lobby, ids[0]);
      try {
        await waitFor("the lost notice and 10 events", () => feed.received.length >= 11);
        const [lost, ...rest] = feed.received;
        expect(lost).toMatchObject({ id: ids[19], type: "events_lost" });
        expect((lost!.data as { error: string }).error).toContain(`events after ${ids[0]} up to ${ids[19]} were trimmed`);
        expect(rest.map((r) => r.id)).toEqual(ids.slice(20));
      } finally {
        feed.stop();
        await closeClient(client);
      }
    });

    test("a live feed with a session id keeps that session registered and active", async () => {
      await using server = await startTestServer(await env());
      const client = createClient({ url: server.url });
      const lobby = uniqueName("lobby");
      const feed = follow(client, lobby, undefined, "session-live");
      try {
        await waitFor("the session in the registry", async () => (await server.services.telemetry.registry.list(lobby)).length === 1);
        expect(await server.services.telemetry.registry.list(lobby)).toEqual([{ session_id: "session-live", user_id: "", lobby_id: lobby, active: true }]);
      } finally {
        feed.stop();
        await closeClient(client);
      }
    });
  });
}

describe("live lobby telemetry across restarts and instances", () => {
  test("the typed client resumes by itself after the server restarts, without gaps or duplicates", async () => {
    const { url: redisUrl } = await sharedRedis();
    const port = freePort();
    const env = { JOURNAL_REDIS_URI: redisUrl, SERVER_ADDRESS: `127.0.0.1:${port}` };
    const lobby = uniqueName("lobby");
    let server = await startTestServer(env);
    const client = createClient({ url: server.url, retryDelayMs: () => 100 });
    const feed = follow(client, lobby);
    try {
      await waitFor("the subscription to start", feed.isStarted);
      for (let n = 0; n < 50; n++) await server.services.telemetry.broadcast(lobby, { n });
      await waitFor("the first 50", () => feed.received.length >= 50);
      await server[Symbol.asyncDispose]();
      server = await startTestServer(env);
      // Published while the client is still reconnecting: it must get these from its last id.
      for (let n = 50; n < 100; n++) await server.services.telemetry.broadcast(lobby, { n });
      await waitFor("all 100 after the reconnect", () => feed.received.length >= 100, { timeoutMs: 20_000 });
      await Bun.sleep(100);
      expect(feed.received.map((r) => r.id)).toEqual(await streamIds(server, lobby));
    } finally {
      feed.stop();
      await closeClient(client);
      await server[Symbol.asyncDispose]();
    }
  });

  test("a broadcast on one server process reaches a subscriber on another process sharing Redis, in order", async () => {
    const { url: redisUrl } = await sharedRedis();
    await using subscriberSide = await startTestServer({ JOURNAL_REDIS_URI: redisUrl });
    const port = freePort();
    const other = Bun.spawn(["bun", "server/src/main.ts", "serve"], {
      env: { ...process.env, AUTH_MODE: "open", JOURNAL_REDIS_URI: redisUrl, SERVER_ADDRESS: `127.0.0.1:${port}`, DATA_DIR: `${subscriberSide.dataDir}/other`, LOG_LEVEL: "warn" },
      stdout: "ignore",
      stderr: "inherit",
    });
    const publisherUrl = `http://127.0.0.1:${port}`;
    const client = createClient({ url: subscriberSide.url });
    const lobby = uniqueName("lobby");
    const feed = follow(client, lobby);
    try {
      await waitFor("the other process", () => fetch(`${publisherUrl}/health`).then((r) => r.ok).catch(() => false));
      await waitFor("the subscription to start", feed.isStarted);
      const sent: string[] = [];
      for (let n = 0; n < 200; n++) {
        const res = await fetch(`${publisherUrl}/v1/lobbies/${lobby}/telemetry`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ n }) });
        sent.push((await res.json()).id);
      }
      await waitFor("200 events on the other process", () => feed.received.length >= 200);
      expect(feed.received.map((r) => r.id)).toEqual(sent);
      expect(feed.received.map((r) => (r.data as { n: number }).n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    } finally {
      feed.stop();
      await closeClient(client);
      other.kill("SIGTERM");
      await other.exited;
    }
  });
});
