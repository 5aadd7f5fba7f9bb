import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestServer } from "../support/server.ts";
import { agentFrame, BACKENDS, camelFrame, getJson, newSession, postJson, serverOn, waitForStored, type Backend } from "./ingest-fixtures.ts";

for (const backend of Object.keys(BACKENDS) as Backend[]) {
  describe(`REST ingest of session events on ${backend}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await serverOn(backend);
    });
    afterAll(() => server[Symbol.asyncDispose]());

    test("POST /session-events answers seed 001's shape and the frame is stored under <uuid>.<node>", async () => {
      const session = newSession();
      const frame = { ...agentFrame(session, 3), extra_field: { kept: true } };
      const res = await postJson(server, "/session-events", frame, { "X-Node-ID": "node-1", "X-User-ID": "user-1" });
      expect(res).toEqual({ status: 200, body: { success: true, match_id: `${session}.node-1` } });

      await waitForStored(server, session, 1);
      const read = await getJson(server, `/session-events/${session}.node-1`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ match_id: `${session}.node-1`, count: 1, events: [{ match_id: `${session}.node-1`, user_id: "user-1", data: frame }] });
    });

    test("without X-Node-ID the node is default-node and the user is empty; camelCase names are normalised, extra fields kept", async () => {
      const session = newSession();
      const res = await postJson(server, "/session-events", { ...camelFrame(session, 1), customThing: { innerKey: 1 } });
      expect(res.body).toEqual({ success: true, match_id: `${session}.default-node` });
      const [stored] = await waitForStored(server, session, 1);
      expect(stored).toMatchObject({ lobby_session_id: session, user_id: "", event_types: ["round_started"] });
      expect(stored.frame).toMatchObject({ frame_index: 1, session: { sessionid: session, game_status: "round_start" }, custom_thing: { inner_key: 1 } });
    });

    for (const path of ["/lobby-session-events", "/v1/lobby-session-events", "/v3/lobby-session-events"]) {
      test(`POST ${path} stores one frame and answers {success, lobby_session_id}`, async () => {
        const session = newSession();
        const upper = session.toUpperCase();
        const res = await postJson(server, path, agentFrame(upper, 0), { "X-User-ID": "u7" });
        expect(res).toEqual({ status: 200, body: { success: true, lobby_session_id: session } });
        const [stored] = await waitForStored(server, session, 1);
        expect(stored).toMatchObject({ lobby_session_id: session, user_id: "u7", event_types: ["player_joined"], timestamp: "2025-03-01T12:00:00.000Z" });
        expect(Object.keys(stored).sort()).toEqual(["created_at", "event_types", "frame", "lobby_session_id", "timestamp", "updated_at", "user_id"]);
      });
    }

    test("POST /lobby-session-events/{id} stores a frame of that session and refuses another session's", async () => {
      const session = newSession();
      expect((await postJson(server, `/v3/lobby-session-events/${session}`, agentFrame(session, 0))).body).toEqual({ success: true, lobby_session_id: session });
      const other = await postJson(server, `/lobby-session-events/${newSession()}`, agentFrame(session, 1));
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({ success: false, code: "VALIDATION", field: "lobby_session_id" });
      await waitForStored(server, session, 1);
    });

    test("a token's subject is the user when X-User-ID is absent; a bad token is a 401", async () => {
      const session = newSession();
      const token = await server.services.auth.sign("token-user");
      expect((await postJson(server, "/session-events", agentFrame(session, 0), { authorization: `Bearer ${token}` })).status).toBe(200);
      const [stored] = await waitForStored(server, session, 1);
      expect(stored.user_id).toBe("token-user");

      const bad = await postJson(server, "/session-events", agentFrame(session, 1), { authorization: "Bearer not.a.token" });
      expect(bad).toEqual({ status: 401, body: { success: false, error: "token is malformed", code: "UNAUTHENTICATED" } });
    });

    const S = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    test.each([
      ["not JSON", "{frame", "the request body is not valid JSON", undefined],
      ["an empty body", "", "the request body is empty; expected JSON", undefined],
      ["an array", "[]", "frame: must be a JSON object (a LobbySessionStateFrame)", undefined],
      ["no session", { frame_index: 1 }, "session: ", "session"],
      ["no session id", { session: { game_status: "playing" } }, "session.session_id: the frame's session id is required", "session.session_id"],
      ["a session id that is not a UUID", { session: { sessionID: "abc" } }, 'session.session_id: must be a UUID, got "abc"', "session.session_id"],
      ["a negative frame index", { frameIndex: -1, session: { session_id: S } }, "frame_index: ", "frame_index"],
      ["a timestamp that is not RFC 3339", { timestamp: "yesterday", session: { session_id: S } }, "timestamp: ", "timestamp"],
      ["a key MongoDB cannot hold", { session: { session_id: S, "a.b": 1 } }, "session.a.b: keys must not contain '.' or start with '$'", "session.a.b"],
    ])("%s is a 400 naming the field, and nothing is journaled", async (_, body, error, field) => {
      for (const path of ["/session-events", "/lobby-session-events"]) {
        const res = await postJson(server, path, body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: "VALIDATION" });
        expect(res.body.field).toBe(field);
        expect(res.body.error).toStartWith(error);
      }
      expect((await getJson(server, `/v1/journal/${encodeURIComponent(`lobby:{${S}}:events`)}`)).body.events).toEqual([]);
    });

    test("a bad X-Node-ID is a 400 naming the header", async () => {
      const res = await postJson(server, "/session-events", agentFrame(newSession(), 0), { "X-Node-ID": "has space" });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "VALIDATION", field: "X-Node-ID" });
    });

    test("a body over the size limit is a 413, and nothing is stored", async () => {
      const session = newSession();
      const big = { ...agentFrame(session, 0), padding: "x".repeat(20_000) };
      const res = await postJson(server, "/session-events", big);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ success: false, code: "TOO_LARGE" });
      // Just under the body limit, but the journal event (frame + node + event types) is over it: 413 as well.
      const edge = { ...agentFrame(session, 1), padding: "x".repeat(16_384 - JSON.stringify(agentFrame(session, 1)).length - 20) };
      expect((await postJson(server, "/lobby-session-events", edge)).status).toBe(413);
      expect((await getJson(server, `/lobby-session-events/${session}`)).status).toBe(404);
    });

    test("an unknown match or lobby session is a 404 with the empty shape", async () => {
      const session = newSession();
      expect(await getJson(server, `/session-events/${session}.node-x`)).toEqual({ status: 404, body: { match_id: `${session}.node-x`, count: 0, events: [] } });
      expect(await getJson(server, `/v3/lobby-session-events/${session}`)).toEqual({ status: 404, body: { lobby_session_id: session, count: 0, events: [] } });
    });
  });
}
