import { describe, expect, test } from "bun:test";
import { clusterEnv, sharedRedis, uniqueName } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url })],
  ["Redis Cluster", clusterEnv],
];

function call(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  return fetch(`${base}${path}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", ...init.headers },
    ...(init.body !== undefined ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, any> }));
}

const session = (id: string, user = `user-${id}`) => ({ "X-Session-ID": id, "X-User-ID": user });

for (const [name, env] of backends) {
  describe(`/rtapi routes on ${name}`, () => {
    test("subscribe, list and unsubscribe answer in the seed's shapes", async () => {
      await using server = await startTestServer(await env());
      const lobby = uniqueName("lobby");
      const sub = await call(server.url, "/rtapi/subscribe", { headers: session("session-1", "user-1"), body: { lobby_id: lobby } });
      expect(sub).toEqual({
        status: 200,
        body: { success: true, message: "Successfully subscribed to lobby rtapi", lobby_id: lobby, session_id: "session-1" },
      });
      // Subscribing twice is idempotent.
      expect((await call(server.url, "/rtapi/subscribe", { headers: session("session-1", "user-1"), body: { lobby_id: lobby } })).status).toBe(200);
      await call(server.url, "/rtapi/subscribe", { headers: session("session-2", "user-2"), body: { lobby_id: lobby } });

      const list = await call(server.url, `/rtapi/subscriptions?lobby_id=${lobby}`, { method: "GET" });
      expect(list).toEqual({
        status: 200,
        body: {
          lobby_id: lobby,
          subscriptions: [
            { session_id: "session-1", user_id: "user-1", lobby_id: lobby, active: true },
            { session_id: "session-2", user_id: "user-2", lobby_id: lobby, active: true },
          ],
          count: 2,
        },
      });

      const unsub = await call(server.url, "/rtapi/unsubscribe", { headers: session("session-1", "user-1"), body: { lobby_id: lobby } });
      expect(unsub).toEqual({
        status: 200,
        body: { success: true, message: "Successfully unsubscribed from lobby rtapi", lobby_id: lobby, session_id: "session-1" },
      });
      expect((await call(server.url, `/rtapi/subscriptions?lobby_id=${lobby}`, { method: "GET" })).body.count).toBe(1);
    });

    test("errors: missing session headers 401, malformed body 400, unknown subscription 404; nothing changes", async () => {
      await using server = await startTestServer(await env());
      const lobby = uniqueName("lobby");
      const noHeaders = await call(server.url, "/rtapi/subscribe", { body: { lobby_id: lobby } });
      expect(noHeaders.status).toBe(401);
      expect(noHeaders.body).toMatchObject({ success: false, error: expect.stringContaining("X-Session-ID and X-User-ID") });
      const emptyUser = await call(server.url, "/rtapi/subscribe", { headers: { "X-Session-ID": "s", "X-User-ID": " " }, body: { lobby_id: lobby } });
      expect(emptyUser.status).toBe(401);
      expect(emptyUser.body.error).toContain("X-User-ID header is missing or empty");

      const notJson = await call(server.url, "/rtapi/subscribe", { headers: session("s"), body: "{lobby" });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error).toContain("not valid JSON");
      const noLobby = await call(server.url, "/rtapi/subscribe", { headers: session("s"), body: { lobby: "x" } });
      expect(noLobby).toMatchObject({ status: 400, body: { field: "lobby_id", error: expect.stringContaining("lobby_id is required") } });

      const unknown = await call(server.url, "/rtapi/unsubscribe", { headers: session("s"), body: { lobby_id: lobby } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toContain(`session s has no subscription to lobby ${lobby}`);

      const listWithoutLobby = await call(server.url, "/rtapi/subscriptions", { method: "GET" });
      expect(listWithoutLobby).toMatchObject({ status: 400, body: { field: "lobby_id" } });
      expect((await call(server.url, `/rtapi/subscriptions?lobby_id=${lobby}`, { method: "GET" })).body).toEqual({ lobby_id: lobby, subscriptions: [], count: 0 });
    });

    test("REST broadcast journals to events:rtapi and the lobby's stream with stream mode 0x16", async () => {
      await using server = await startTestServer(await env());
      const lobby = uniqueName("lobby");
      const sent = await call(server.url, `/v1/lobbies/${lobby}/telemetry`, {
        headers: { "X-User-ID": "u1", "Idempotency-Key": "frame-1" },
        body: { event_type: "player_movement", position: { x: 10.5 } },
      });
      expect(sent.status).toBe(200);
      expect(sent.body).toEqual({ lobby_id: lobby, id: expect.stringMatching(/^\d+-\d+$/), journal_id: expect.stringMatching(/^\d+-\d+$/) });
      const rtapi = await (await fetch(`${server.url}/v1/journal/events:rtapi?from=${sent.body.journal_id}&count=1`)).json();
      expect(rtapi.events[0]).toMatchObject({ type: "telemetry", lobby_id: lobby, user_id: "u1", mode: 0x16, data: { event_type: "player_movement" } });
      const lobbyStream = await (await fetch(`${server.url}/v1/journal/${encodeURIComponent(`lobby:{${lobby}}:events`)}`)).json();
      expect(lobbyStream.events.map((e: { id: string }) => e.id)).toEqual([sent.body.id]);
      // The idempotency key makes a retried broadcast a no-op.
      const again = await call(server.url, `/v1/lobbies/${lobby}/telemetry`, { headers: { "Idempotency-Key": "frame-1" }, body: { event_type: "player_movement" } });
      expect(again.body.id).toBe(sent.body.id);
    });
  });
}
