import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { toMatchId } from "@gamejournal/shared";
import { cursorOf, sessionRoutes } from "../../server/src/sessions/index.ts";
import { asIdentity } from "../support/open-access.ts";
import { eventOf, LOBBY_A, LOBBY_B } from "./fixtures.ts";
import { STORE_FIXTURES } from "./stores.ts";

/** The routes mounted at the root of an app, as the server mounts them, over a real store. */
async function routesOver(open: (typeof STORE_FIXTURES)[keyof typeof STORE_FIXTURES]) {
  const fixture = await open();
  const app = new Hono().use(asIdentity()).route("/", sessionRoutes({ store: fixture.store }));
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { store: fixture.store, get, [Symbol.asyncDispose]: () => fixture[Symbol.asyncDispose]() };
}

for (const [name, open] of Object.entries(STORE_FIXTURES)) {
  describe(`session event REST reads over ${name}`, () => {
    test("GET /session-events/{match_id} answers seed 001's shape in frame order", async () => {
      await using r = await routesOver(open);
      const second = eventOf({ index: 2, node: "n1", user: "u2" });
      const first = eventOf({ index: 1, node: "n1", user: "u1" });
      await r.store.store([second, first, eventOf({ index: 1, node: "n2" })]);
      const matchId = toMatchId(LOBBY_A, "n1");
      const res = await r.get(`/session-events/${matchId}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        match_id: matchId,
        count: 2,
        events: [
          { match_id: matchId, user_id: "u1", data: first.frame },
          { match_id: matchId, user_id: "u2", data: second.frame },
        ],
      });
    });

    test("a match id is found whatever the case of its session uuid", async () => {
      await using r = await routesOver(open);
      await r.store.store(eventOf({ index: 1 }));
      const res = await r.get(`/session-events/${LOBBY_A.toUpperCase()}.default-node`);
      expect(res.status).toBe(200);
      expect(res.body.match_id).toBe(`${LOBBY_A}.default-node`);
      expect(res.body.count).toBe(1);
    });

    for (const prefix of ["", "/v1", "/v3"]) {
      test(`GET ${prefix}/lobby-session-events/{id} answers seed 002's stored documents in frame order`, async () => {
        await using r = await routesOver(open);
        const a = eventOf({ index: 1, node: "n1", user: "u1" });
        const b = eventOf({ index: 2, node: "n2", user: "u2" });
        await r.store.store([b, a, eventOf({ lobby: LOBBY_B, index: 1 })]);
        const res = await r.get(`${prefix}/lobby-session-events/${LOBBY_A}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          lobby_session_id: LOBBY_A,
          count: 2,
          events: [a, b].map((e) => ({
            lobby_session_id: LOBBY_A,
            user_id: e.user_id,
            frame: e.frame,
            event_types: ["round_started"],
            timestamp: e.timestamp.toISOString(),
            created_at: e.created_at.toISOString(),
            updated_at: e.updated_at.toISOString(),
          })),
        });
      });
    }

    test("limit and after page through a session; next_after appears only while more follow", async () => {
      await using r = await routesOver(open);
      await r.store.store(Array.from({ length: 5 }, (_, i) => eventOf({ index: i })));
      const seen: number[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const res = await r.get(`/lobby-session-events/${LOBBY_A}?limit=2${after ? `&after=${after}` : ""}`);
        expect(res.status).toBe(200);
        pages++;
        const events = res.body.events as Array<{ frame: { frame_index: number } }>;
        expect(res.body.count).toBe(events.length);
        seen.push(...events.map((e) => e.frame.frame_index));
        after = res.body.next_after as string | undefined;
      } while (after);
      expect(pages).toBe(3);
      expect(seen).toEqual([0, 1, 2, 3, 4]);

      const whole = await r.get(`/lobby-session-events/${LOBBY_A}`);
      expect(whole.body).not.toHaveProperty("next_after");
      const matchPage = await r.get(`/session-events/${LOBBY_A}.default-node?limit=4`);
      expect(matchPage.body.count).toBe(4);
      expect(matchPage.body.next_after).toBeString();
    });

    test("a page past the end of a known session is an empty 200, not a 404", async () => {
      await using r = await routesOver(open);
      await r.store.store(eventOf({ index: 1 }));
      const first = await r.get(`/lobby-session-events/${LOBBY_A}?limit=1`);
      expect(first.body.next_after).toBeUndefined();
      const { events } = await r.store.byLobbySession(LOBBY_A);
      const res = await r.get(`/lobby-session-events/${LOBBY_A}?after=${cursorOf(events[0]!)}`);
      expect(res).toEqual({ status: 200, body: { lobby_session_id: LOBBY_A, count: 0, events: [] } });
    });

    test("unknown ids answer 404 with the empty list shape", async () => {
      await using r = await routesOver(open);
      await r.store.store(eventOf({ index: 1 }));
      for (const prefix of ["", "/v1", "/v3"]) {
        expect(await r.get(`${prefix}/lobby-session-events/${LOBBY_B}`)).toEqual({
          status: 404,
          body: { lobby_session_id: LOBBY_B, count: 0, events: [] },
        });
      }
      expect(await r.get(`/session-events/${LOBBY_A}.other-node`)).toEqual({
        status: 404,
        body: { match_id: `${LOBBY_A}.other-node`, count: 0, events: [] },
      });
    });

    test.each([
      ["/lobby-session-events/not-a-uuid", "lobby_session_id"],
      ["/v3/lobby-session-events/123", "lobby_session_id"],
      ["/session-events/not-a-match", "match_id"],
      [`/session-events/${LOBBY_A}`, "match_id"],
      [`/lobby-session-events/${LOBBY_A}?limit=0`, "limit"],
      [`/lobby-session-events/${LOBBY_A}?limit=ten`, "limit"],
      [`/lobby-session-events/${LOBBY_A}?limit=10001`, "limit"],
      [`/lobby-session-events/${LOBBY_A}?after=garbage`, "after"],
      [`/session-events/${LOBBY_A}.n1?after=garbage`, "after"],
    ])("GET %s is a 400 naming %s", async (path, field) => {
      await using r = await routesOver(open);
      const res = await r.get(path);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "VALIDATION", field });
      expect(res.body.error).toStartWith(`${field}: `);
    });
  });
}
