import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { ValidationError } from "../../server/src/errors.ts";
import { createGraphQL, GRAPHQL_PATHS } from "../../server/src/graphql/index.ts";
import { Health } from "../../server/src/health/index.ts";
import { silentLogger } from "../../server/src/log.ts";
import {
  SqliteSessionEventStore,
  sessionsGraphQL,
  toSessionEvent,
  type IngestFrame,
  type LobbySubscription,
  type SessionEventStore,
} from "../../server/src/sessions/index.ts";
import { eventOf, frameOf, LOBBY_A, LOBBY_B } from "./fixtures.ts";
import { STORE_FIXTURES } from "./stores.ts";
import { ANONYMOUS } from "../../server/src/platform/auth-user.ts";

const NOW = Date.parse("2025-03-01T15:00:00.000Z");
const clock = { now: () => NOW };

const SUBSCRIPTIONS: LobbySubscription[] = [
  { session_id: "s1", user_id: "u1", lobby_id: LOBBY_A, active: true },
  { session_id: "s2", user_id: "u2", lobby_id: LOBBY_A, active: false },
];

interface Options {
  ingestFrame?: IngestFrame;
  healthy?: boolean;
}

/**
 * A Hono app serving GraphQL over `store` the way the server mounts it. The
 * stand-in ingestFrame writes through the real store, as the journal's
 * worker will, so mutations can be read back.
 */
function graphqlApp(store: SessionEventStore, { ingestFrame, healthy = true }: Options = {}) {
  const ingested: Array<{ userId: string; node: string }> = [];
  const writeThrough: IngestFrame = async (frame, meta) => {
    ingested.push(meta);
    await store.store(toSessionEvent(frame, { userId: meta.userId, node: meta.node, receivedAt: NOW, now: NOW }));
    return { ids: [`${NOW}-${ingested.length - 1}`] };
  };
  const health = new Health({ journal: "sqlite", documents: "sqlite" }, "test", { now: () => NOW });
  health.register({ name: "sqlite", check: async () => (healthy ? { status: "up" } : { status: "down", error: "gone" }) });
  const graphql = createGraphQL({
    health,
    logger: silentLogger(),
    modules: [
      sessionsGraphQL({
        store,
        ingestFrame: ingestFrame ?? writeThrough,
        subscriptions: { list: async (lobbyId) => SUBSCRIPTIONS.filter((s) => s.lobby_id === lobbyId) },
        clock,
        logger: silentLogger(),
      }),
    ],
  });
  const app = new Hono();
  // The resolvers see the caller of AUTH_MODE=open: these tests are about the schema, not access.
  app.on(["GET", "POST"], [...GRAPHQL_PATHS], (c) => graphql(c.req.raw, { user: ANONYMOUS, mode: "open" }));
  const query = async (source: string, variables: Record<string, unknown> = {}, { path = "/graphql", headers = {} }: { path?: string; headers?: Record<string, string> } = {}) => {
    const res = await app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify({ query: source, variables }),
    });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
  };
  return { app, query, ingested };
}

const EVENTS = /* GraphQL */ `
  query Events($id: ID!, $limit: Int, $offset: Int, $after: String) {
    sessionEvents(lobbySessionId: $id, limit: $limit, offset: $offset, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id lobbySessionId matchId userId eventTypes frameData timestamp createdAt updatedAt } }
    }
  }
`;

const STORE = /* GraphQL */ `
  mutation Store($input: StoreSessionEventInput!) {
    storeSessionEvent(input: $input) { success error event { id lobbySessionId matchId userId eventTypes timestamp frameData } }
  }
`;

for (const [name, open] of Object.entries(STORE_FIXTURES)) {
  describe(`GraphQL session events over ${name}`, () => {
    test("sessionEvents pages by offset like the reference, with totals and page info", async () => {
      await using f = await open();
      const events = Array.from({ length: 5 }, (_, i) => eventOf({ index: i, node: "n1", user: i === 0 ? "" : `u${i}` }));
      await f.store.store(events);
      const { query } = graphqlApp(f.store);
      const { body } = await query(EVENTS, { id: LOBBY_A.toUpperCase(), limit: 2, offset: 1 });
      expect(body.errors).toBeUndefined();
      const page = body.data.sessionEvents;
      expect(page.totalCount).toBe(5);
      expect(page.edges.map((e: any) => e.node.frameData.frame_index)).toEqual([1, 2]);
      expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges[1].cursor);
      expect(page.edges[0].node).toEqual({
        id: events[1]!.id,
        lobbySessionId: LOBBY_A,
        matchId: `${LOBBY_A}.n1`,
        userId: "u1",
        eventTypes: ["round_started"],
        frameData: events[1]!.frame,
        timestamp: events[1]!.timestamp.toISOString(),
        createdAt: events[1]!.created_at.toISOString(),
        updatedAt: events[1]!.updated_at.toISOString(),
      });
      const first = await query(EVENTS, { id: LOBBY_A, limit: 1 });
      expect(first.body.data.sessionEvents.edges[0].node.userId).toBeNull();
    });

    test("an edge's cursor continues the listing after it; the last page has no next page", async () => {
      await using f = await open();
      await f.store.store(Array.from({ length: 5 }, (_, i) => eventOf({ index: i })));
      const { query } = graphqlApp(f.store);
      const first = (await query(EVENTS, { id: LOBBY_A, limit: 3 })).body.data.sessionEvents;
      const rest = (await query(EVENTS, { id: LOBBY_A, limit: 3, after: first.pageInfo.endCursor })).body.data.sessionEvents;
      expect(rest.edges.map((e: any) => e.node.frameData.frame_index)).toEqual([3, 4]);
      expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    });

    test("limit defaults to 100 and is clamped to 1..1000 as in the reference", async () => {
      await using f = await open();
      await f.store.store(Array.from({ length: 3 }, (_, i) => eventOf({ index: i })));
      const { query } = graphqlApp(f.store);
      expect((await query(EVENTS, { id: LOBBY_A })).body.data.sessionEvents.edges).toHaveLength(3);
      expect((await query(EVENTS, { id: LOBBY_A, limit: 0 })).body.data.sessionEvents.edges).toHaveLength(1);
      expect((await query(EVENTS, { id: LOBBY_A, limit: 5000 })).body.data.sessionEvents.edges).toHaveLength(3);
    });

    test("lobbySession summarises a session and pages its events; an unknown one is null", async () => {
      await using f = await open();
      const a = eventOf({ index: 1, storedAt: Date.parse("2025-03-01T13:00:00Z") });
      const b = eventOf({ index: 2, storedAt: Date.parse("2025-03-01T13:00:09Z") });
      await f.store.store([b, a]);
      const { query } = graphqlApp(f.store);
      const source = `query($id: ID!) { lobbySession(id: $id) { id lobbySessionId totalEvents createdAt updatedAt events(limit: 1) { totalCount edges { node { id } } } } }`;
      const { body } = await query(source, { id: LOBBY_A });
      expect(body.data.lobbySession).toEqual({
        id: LOBBY_A,
        lobbySessionId: LOBBY_A,
        totalEvents: 2,
        createdAt: "2025-03-01T13:00:00.000Z",
        updatedAt: "2025-03-01T13:00:09.000Z",
        events: { totalCount: 2, edges: [{ node: { id: a.id } }] },
      });
      expect((await query(source, { id: LOBBY_B })).body).toEqual({ data: { lobbySession: null } });
    });

    test("storeSessionEvent goes through ingestFrame and the stored event reads back with the returned id", async () => {
      await using f = await open();
      const { query, ingested } = graphqlApp(f.store);
      // protobuf-JSON in lowerCamelCase, as the reference's clients send it.
      const frameData = { frameIndex: 7, timestamp: "2025-03-01T12:00:01.000Z", events: [{ goalScored: {} }], session: { sessionId: LOBBY_A } };
      const input = { lobbySessionId: LOBBY_A, userId: "u9", frameData };
      const { body } = await query(STORE, { input }, { headers: { "X-Node-ID": "node-7" } });
      const payload = body.data.storeSessionEvent;
      expect(payload).toMatchObject({
        success: true,
        error: null,
        event: { lobbySessionId: LOBBY_A, matchId: `${LOBBY_A}.node-7`, userId: "u9", eventTypes: ["goal_scored"], timestamp: "2025-03-01T12:00:01.000Z" },
      });
      expect(ingested).toEqual([{ userId: "u9", node: "node-7" }]);
      const stored = (await f.store.byLobbySession(LOBBY_A)).events;
      expect(stored.map((e) => e.id)).toEqual([payload.event.id]);
      expect(stored[0]!.frame).toEqual(payload.event.frameData);

      // The same frame again is the same event: still one stored.
      expect((await query(STORE, { input }, { headers: { "X-Node-ID": "node-7" } })).body.data.storeSessionEvent.event.id).toBe(payload.event.id);
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(1);
    });

    test("a frame without session id or timestamp takes lobbySessionId and the receive time", async () => {
      await using f = await open();
      const { query } = graphqlApp(f.store);
      const { body } = await query(STORE, { input: { lobbySessionId: LOBBY_B, frameData: { frame_index: 1 } } });
      expect(body.data.storeSessionEvent).toMatchObject({
        success: true,
        event: { lobbySessionId: LOBBY_B, matchId: `${LOBBY_B}.default-node`, userId: null, timestamp: new Date(NOW).toISOString() },
      });
      expect(await f.store.countByLobbySession(LOBBY_B)).toBe(1);
    });

    test.each([
      [{ lobbySessionId: "nope", frameData: {} }, "lobbySessionId: must be a session UUID"],
      [{ lobbySessionId: LOBBY_A, frameData: "frame" }, "frameData: must be a JSON object"],
      [{ lobbySessionId: LOBBY_A, frameData: { session: { session_id: LOBBY_B } } }, "lobbySessionId: does not match"],
      [{ lobbySessionId: LOBBY_A, frameData: { frame_index: -1 } }, "frameData.frame_index: "],
      [{ lobbySessionId: LOBBY_A, frameData: { timestamp: "yesterday" } }, "frameData.timestamp: "],
      [{ lobbySessionId: LOBBY_A, frameData: { session: { sessionid: "not-a-uuid" } } }, "frameData.session.session_id: must be a UUID"],
      [{ lobbySessionId: LOBBY_A, frameData: { player_bones: { $where: 1 } } }, "frameData.player_bones.$where: keys must not"],
    ])("storeSessionEvent(%j) answers success false naming the field, and stores nothing", async (input, error) => {
      await using f = await open();
      const { query, ingested } = graphqlApp(f.store);
      const { status, body } = await query(STORE, { input });
      expect(status).toBe(200);
      expect(body.data.storeSessionEvent).toMatchObject({ success: false, event: null });
      expect(body.data.storeSessionEvent.error).toStartWith(error);
      expect(ingested).toEqual([]);
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(0);
    });
  });
}

describe("GraphQL endpoint", () => {
  async function sqliteStore() {
    const db = openSqlite(":memory:");
    const store = new SqliteSessionEventStore(db);
    await store.init();
    return { db, store, [Symbol.dispose]: () => db.close() };
  }

  test.each([...GRAPHQL_PATHS])("POST %s answers queries", async (path) => {
    using s = await sqliteStore();
    const { query } = graphqlApp(s.store);
    expect(await query("{ health { status timestamp database } }", {}, { path })).toEqual({
      status: 200,
      body: { data: { health: { status: "healthy", timestamp: new Date(NOW).toISOString(), database: "connected" } } },
    });
  });

  test("health reports a document store that does not answer", async () => {
    using s = await sqliteStore();
    const { query } = graphqlApp(s.store, { healthy: false });
    expect((await query("{ health { status database } }")).body.data.health).toEqual({ status: "degraded", database: "disconnected" });
  });

  test("GET serves GraphiQL to browsers and answers queries in the URL", async () => {
    using s = await sqliteStore();
    const { app } = graphqlApp(s.store);
    const page = await app.request("/v3/query", { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("GraphiQL");
    const res = await app.request(`/graphql?query=${encodeURIComponent("{ health { status } }")}`, { headers: { accept: "application/json" } });
    expect(await res.json()).toEqual({ data: { health: { status: "healthy" } } });
  });

  test("lobbySubscriptions lists the directory's subscriptions of a lobby", async () => {
    using s = await sqliteStore();
    const { query } = graphqlApp(s.store);
    const source = `query($id: ID!) { lobbySubscriptions(lobbyId: $id) { session_id user_id lobby_id active } }`;
    expect((await query(source, { id: LOBBY_A.toUpperCase() })).body.data.lobbySubscriptions).toEqual(SUBSCRIPTIONS);
    expect((await query(source, { id: LOBBY_B })).body.data.lobbySubscriptions).toEqual([]);
  });

  test.each([
    [EVENTS, { id: "not-a-uuid" }, "lobbySessionId"],
    [EVENTS, { id: LOBBY_A, offset: -1 }, "offset"],
    [EVENTS, { id: LOBBY_A, after: "garbage" }, "after"],
    [`query($id: ID!) { lobbySession(id: $id) { id } }`, { id: "x" }, "id"],
    [`{ lobbySubscriptions(lobbyId: "a b") { active } }`, {}, "lobbyId"],
  ])("bad arguments are GraphQL errors with code VALIDATION and the field", async (source, variables, field) => {
    using s = await sqliteStore();
    const { query } = graphqlApp(s.store);
    const { body } = await query(source, variables);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ extensions: { code: "VALIDATION", field } });
    expect(body.errors![0].message).toStartWith(`${field}: `);
    expect(body.errors![0].path).toBeArray();
  });

  test("a malformed query gets GraphQL's own error and no data", async () => {
    using s = await sqliteStore();
    const { query } = graphqlApp(s.store);
    const missing = await query("{ sessionEvents { totalCount } }");
    expect(missing.body.data).toBeUndefined();
    expect(missing.body.errors![0].message).toContain("lobbySessionId");
    const unknown = await query("{ nope }");
    expect(unknown.body.errors![0].message).toContain("nope");
  });

  test("a failing store is an internal error that reveals nothing", async () => {
    const s = await sqliteStore();
    s.db.close();
    const { query } = graphqlApp(s.store);
    const { body } = await query(EVENTS, { id: LOBBY_A });
    expect(body.data).toBeNull();
    expect(body.errors![0]).toMatchObject({ message: "internal error", extensions: { code: "INTERNAL" }, path: ["sessionEvents"] });
  });

  test("storeSessionEvent reports ingest's refusal, or an internal failure, as success false", async () => {
    using s = await sqliteStore();
    const refusing = graphqlApp(s.store, {
      ingestFrame: async () => {
        throw new ValidationError("frame: too large for the journal", "frame");
      },
    });
    const input = { lobbySessionId: LOBBY_A, frameData: frameOf(LOBBY_A, 1) };
    expect((await refusing.query(STORE, { input })).body.data.storeSessionEvent).toEqual({ success: false, error: "frame: too large for the journal", event: null });
    const broken = graphqlApp(s.store, {
      ingestFrame: async () => {
        throw new Error("disk on fire");
      },
    });
    expect((await broken.query(STORE, { input })).body.data.storeSessionEvent).toEqual({ success: false, error: "internal error", event: null });
    expect(await s.store.countByLobbySession(LOBBY_A)).toBe(0);
  });
});
