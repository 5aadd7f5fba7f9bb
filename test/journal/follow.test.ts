import { describe, expect, test } from "bun:test";
import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM, toLobbyStream } from "@gamejournal/shared";
import { closeClient, createClient } from "../../client/src/index.ts";
import { sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { readSse } from "../support/sse-reader.ts";

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url })],
];

/** Publishes `total` player actions through the REST edge, a few at a time, while the test reads. */
function publishActions(server: TestServer, match: string, total: number) {
  let published = 0;
  const done = (async () => {
    while (published < total) {
      const batch = Math.min(20, total - published);
      const body = Array.from({ length: batch }, (_, i) => ({ user_id: "u1", session_id: "s1", match_id: match, action: "moved", data: { n: published + i } }));
      const res = await fetch(`${server.url}/v1/journal/player-actions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`append answered ${res.status}: ${await res.text()}`);
      published += batch;
      await Bun.sleep(1);
    }
  })();
  return { done };
}

/** The stream's ids after `after`, as the journal holds them. */
async function idsAfter(server: TestServer, stream: string, after: string): Promise<string[]> {
  return (await server.services.journal.journal.read(stream, { after, count: 100_000 })).map((e) => e.id);
}

async function lastIdOf(server: TestServer, stream: string): Promise<string> {
  return (await server.services.journal.journal.info(stream))?.last_id ?? "0-0";
}

for (const [name, env] of backends) {
  describe(`following a journal stream live on ${name}`, () => {
    for (const transport of ["ws", "sse"] as const) {
      test(`journal.follow over ${transport}, resumed at random points while 1,000 player actions arrive, yields exactly the stream's ids`, async () => {
        await using server = await startTestServer(await env());
        const client = createClient({ url: server.url, subscriptions: transport });
        const start = await lastIdOf(server, PLAYER_ACTIONS_STREAM);
        const total = 1_000;
        const publisher = publishActions(server, uniqueName("match"), total);
        const received: string[] = [];
        let last = start;
        let reconnects = 0;
        try {
          while (received.length < total) {
            const take = 1 + Math.floor(Math.random() * 250);
            const got: string[] = [];
            const sub = client.journal.follow.subscribe(
              { stream: PLAYER_ACTIONS_STREAM, lastEventId: last },
              { onData: ({ id, data }) => void ("user_id" in data && data.type === "moved" ? got.push(id) : got.push(`unexpected ${id}`)) },
            );
            await waitFor("some entries or the end", () => got.length >= take || received.length + got.length >= total, { timeoutMs: 30_000, intervalMs: 2 });
            sub.unsubscribe(); // a disconnect at a random point; entries in flight are dropped
            received.push(...got.slice(0, take));
            last = received[received.length - 1] ?? last;
            reconnects++;
          }
          await publisher.done;
          expect(reconnects).toBeGreaterThan(3);
          expect(received).toEqual(await idsAfter(server, PLAYER_ACTIONS_STREAM, start));
        } finally {
          await closeClient(client);
        }
      });
    }

    test("GET /v1/journal/{stream}/live with Last-Event-ID, reconnected at random points, yields exactly the stream's ids", async () => {
      await using server = await startTestServer(await env());
      const start = await lastIdOf(server, PLAYER_ACTIONS_STREAM);
      const total = 600;
      const publisher = publishActions(server, uniqueName("match"), total);
      const received: string[] = [];
      let last = start;
      let reconnects = 0;
      while (received.length < total) {
        const take = 1 + Math.floor(Math.random() * 150);
        const res = await fetch(`${server.url}/v1/journal/${PLAYER_ACTIONS_STREAM}/live`, { headers: { "Last-Event-ID": last } });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/event-stream");
        const sse = readSse(res);
        await waitFor("some events or the end", () => sse.events.length >= take || received.length + sse.events.length >= total, { timeoutMs: 30_000, intervalMs: 2 });
        await sse.close();
        for (const event of sse.events.slice(0, take)) {
          expect(event.event).toBe("message");
          const entry = JSON.parse(event.data) as { id: string; type: string; data: { n: number } };
          expect(entry.id).toBe(event.id!);
          expect(entry.type).toBe("moved");
          received.push(event.id!);
        }
        last = received[received.length - 1] ?? last;
        reconnects++;
      }
      await publisher.done;
      expect(reconnects).toBeGreaterThan(2);
      expect(received).toEqual(await idsAfter(server, PLAYER_ACTIONS_STREAM, start));
    });

    test("the live SSE route answers a bad stream or id with 400 naming the field, before streaming", async () => {
      await using server = await startTestServer(await env());
      const unknown = await fetch(`${server.url}/v1/journal/events:nope/live`);
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ success: false, field: "stream" });
      const badId = await fetch(`${server.url}/v1/journal/${PLAYER_ACTIONS_STREAM}/live`, { headers: { "Last-Event-ID": "yesterday" } });
      expect(badId.status).toBe(400);
      expect(await badId.json()).toMatchObject({ success: false, field: "lastEventId" });
    });

    test("telemetry journaled through every edge with a lobby id reaches that lobby's subscriber, each once", async () => {
      await using server = await startTestServer(await env());
      const client = createClient({ url: server.url });
      const lobby = uniqueName("lobby");
      const got: Array<{ id: string; n: unknown }> = [];
      let started = false;
      const sub = client.telemetry.lobby.subscribe(
        { lobbyId: lobby },
        { onStarted: () => void (started = true), onData: ({ id, data }) => void got.push({ id, n: "data" in data ? (data.data as { n?: unknown }).n : data.type }) },
      );
      try {
        // The feed fixes its starting point before it answers "started".
        await waitFor("the subscription to start", () => started);
        const rest = await fetch(`${server.url}/v1/journal/telemetry`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ user_id: "u1", session_id: "s1", lobby_id: lobby, data: { n: 1 } }),
        });
        expect(rest.status).toBe(200);
        await client.journal.telemetry.mutate({ user_id: "u1", session_id: "s1", lobby_id: lobby, data: { n: 2 } });
        await client.journal.appendBatch.mutate({ events: [{ stream: RTAPI_STREAM, type: "telemetry", user_id: "u1", lobby_id: lobby, data: { n: 3 } }] });
        await client.telemetry.broadcast.mutate({ lobbyId: lobby, data: { n: 4 } });
        // A last marker: anything delivered twice would arrive before it.
        await client.telemetry.broadcast.mutate({ lobbyId: lobby, data: { n: 5 } });
        await waitFor("the marker", () => got.some((g) => g.n === 5));
        expect(got.map((g) => g.n)).toEqual([1, 2, 3, 4, 5]);
        const lobbyIds = (await server.services.journal.journal.read(toLobbyStream(lobby), { count: 100 })).map((e) => e.id);
        expect(got.map((g) => g.id)).toEqual(lobbyIds);
      } finally {
        sub.unsubscribe();
        await closeClient(client);
      }
    });

    test("a telemetry event whose lobby copy was lost is repaired by retrying it with the same key", async () => {
      await using server = await startTestServer(await env());
      const lobby = uniqueName("lobby");
      const key = uniqueName("key");
      const event = { type: "telemetry", user_id: "u1", session_id: "s1", lobby_id: lobby, ts: 1, data: { n: 1 }, key };
      // As if a failure had stored the events:rtapi write and not the lobby's: append it alone, below the journaling API.
      const [first] = await server.services.journal.journal.append([{ stream: RTAPI_STREAM, event }]);
      expect(await server.services.journal.journal.read(toLobbyStream(lobby), { count: 10 })).toEqual([]);
      const retry = await fetch(`${server.url}/v1/journal/telemetry`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user_id: "u1", session_id: "s1", lobby_id: lobby, data: { n: 1 }, key }),
      });
      expect(await retry.json()).toEqual({ ids: [first!.id], duplicates: 1 });
      const copies = await server.services.journal.journal.read(toLobbyStream(lobby), { count: 10 });
      expect(copies.map((c) => ({ type: c.type, lobby_id: c.lobby_id, key: c.key, data: c.data }))).toEqual([{ type: "telemetry", lobby_id: lobby, key, data: { n: 1 } }]);
      const rtapi = await server.services.journal.journal.read(RTAPI_STREAM, { from: first!.id!, count: 10 });
      expect(rtapi.filter((e) => e.key === key)).toHaveLength(1);
    });
  });
}
