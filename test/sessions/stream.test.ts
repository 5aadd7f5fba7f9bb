import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../../client/src/index.ts";
import { createAuth } from "../../server/src/auth/index.ts";
import { waitFor } from "../harness/index.ts";
import type { TestServer } from "../support/server.ts";
import { attemptUpgrade, openStreamSocket } from "../support/stream-socket.ts";
import { agentFrame, BACKENDS, camelFrame, getJson, newSession, serverOn, waitForStored, type Backend } from "./ingest-fixtures.ts";

const lobbyStream = (session: string) => `/v1/journal/${encodeURIComponent(`lobby:{${session}}:events`)}`;

for (const backend of Object.keys(BACKENDS) as Backend[]) {
  describe(`WS /v3/stream on ${backend}`, () => {
    let server: TestServer;
    let token: string;
    beforeAll(async () => {
      server = await serverOn(backend);
      token = await server.services.auth.sign("agent-user");
    });
    afterAll(() => server[Symbol.asyncDispose]());

    describe("authentication at the upgrade", () => {
      test("no token: 401 with a JSON error, no upgrade", async () => {
        expect(await attemptUpgrade(server.url)).toEqual({
          status: 401,
          body: { success: false, error: "a token is required: send Authorization: Bearer <jwt> or ?token=<jwt>", code: "UNAUTHENTICATED" },
        });
      });

      test("an expired token: 401 saying so", async () => {
        const expired = await createAuth(await secretOf(server), { clock: { now: () => Date.now() - 2 * 3600_000 } }).sign("agent-user", { ttlSeconds: 60 });
        expect(await attemptUpgrade(server.url, { token: expired })).toEqual({ status: 401, body: { success: false, error: "token expired", code: "UNAUTHENTICATED" } });
      });

      test("a token signed with another secret: 401 saying so, in the header or the query", async () => {
        const forged = await createAuth("some-other-secret-of-32-characters").sign("agent-user");
        const expected = { status: 401, body: { success: false, error: "token signature is invalid", code: "UNAUTHENTICATED" } };
        expect(await attemptUpgrade(server.url, { token: forged })).toEqual(expected);
        expect(await attemptUpgrade(server.url, { token: forged, tokenIn: "query" })).toEqual(expected);
      });

      test("a valid token upgrades, in the header or as ?token=", async () => {
        expect((await attemptUpgrade(server.url, { token })).status).toBe(101);
        expect((await attemptUpgrade(server.url, { token, tokenIn: "query" })).status).toBe(101);
      });

      test("a bad X-Node-ID is a 400 before the upgrade", async () => {
        const res = await attemptUpgrade(server.url, { token, headers: { "X-Node-ID": "a/b" } });
        expect(res).toMatchObject({ status: 400, body: { success: false, code: "VALIDATION", field: "X-Node-ID" } });
      });
    });

    test("an Envelope exactly as nevr-agent marshals it is journaled and stored, under the token's user", async () => {
      const session = newSession();
      await using ws = await openStreamSocket(server.url, { token, headers: { "X-Node-ID": "node-9" } });
      const frame = agentFrame(session, 12);
      const answer = await ws.call(JSON.stringify({ frame }));
      expect(answer).toEqual({ success: true, ids: [expect.stringMatching(/^\d+-\d+$/)] });

      const [stored] = await waitForStored(server, session, 1);
      expect(stored).toMatchObject({ lobby_session_id: session, user_id: "agent-user", event_types: ["player_joined"], timestamp: "2025-03-01T12:00:01.200Z" });
      expect(stored.frame).toEqual(frame);
      const match = await getJson(server, `/session-events/${session}.node-9`);
      expect(match.body.count).toBe(1);

      // The journal holds it on events:rtapi and on the lobby's stream, with the same id on the former as answered.
      const lobby = (await getJson(server, lobbyStream(session))).body.events;
      expect(lobby).toHaveLength(1);
      expect(lobby[0]).toMatchObject({ type: "frame", mode: 0x16, lobby_id: session, match_id: `${session}.node-9`, user_id: "agent-user", data: { frame, node: "node-9", event_types: ["player_joined"] } });
      const rtapi = (await getJson(server, `/v1/journal/events:rtapi?from=${(answer.ids as string[])[0]}&count=1`)).body.events;
      expect(rtapi[0]).toMatchObject({ id: (answer.ids as string[])[0], type: "frame", lobby_id: session, key: lobby[0].key });
    });

    test("a bare frame, a header and an array of both are accepted; X-User-ID wins over the token", async () => {
      const session = newSession();
      await using ws = await openStreamSocket(server.url, { token, tokenIn: "query", headers: { "X-User-ID": "header-user" } });
      expect(await ws.call(camelFrame(session, 0))).toEqual({ success: true, ids: [expect.any(String)] });
      expect(await ws.call({ header: { capture_id: "c1", created_at: "2025-03-01T12:00:00Z", metadata: { a: "b" } } })).toEqual({ success: true, ids: [] });
      const batch = await ws.call([{ header: { capture_id: "c2" } }, { frame: agentFrame(session, 1) }, camelFrame(session, 2), { frame: agentFrame(session, 3) }]);
      expect(batch).toEqual({ success: true, ids: [expect.any(String), expect.any(String), expect.any(String)] });

      const stored = await waitForStored(server, session, 4);
      expect(stored.map((e) => e.frame.frame_index)).toEqual([0, 1, 2, 3]);
      expect(new Set(stored.map((e) => e.user_id))).toEqual(new Set(["header-user"]));
      expect(stored.map((e) => e.event_types)).toEqual([["round_started"], ["player_joined"], ["round_started"], ["player_joined"]]);
    });

    test("bad messages are answered with an error naming the field, and the connection stays open", async () => {
      const session = newSession();
      await using ws = await openStreamSocket(server.url, { token });
      const cases: Array<[unknown, string, string | undefined]> = [
        ["{not json", "the message is not valid JSON", undefined],
        ["42", "message: must be a JSON object", undefined],
        ["[]", "the message is an empty array", undefined],
        [{ frame: { frame_index: 1, session: { session_id: "nope" } } }, 'frame.session.session_id: must be a UUID, got "nope"', "frame.session.session_id"],
        [{ frame: "x" }, "frame: must be a JSON object", "frame"],
        [{ frame: agentFrame(session, 0), header: {} }, 'message: an Envelope holds either "frame" or "header", not both', undefined],
        [{ header: 7 }, "header: must be a JSON object", "header"],
        [[{ frame: agentFrame(session, 0) }, { frame: { ...agentFrame(session, 1), frame_index: "one" } }], "[1].frame.frame_index: ", "[1].frame.frame_index"],
        [{ frame: { ...agentFrame(session, 2), player_bones: { $set: 1 } } }, "frame.player_bones.$set: keys must not", "frame.player_bones.$set"],
      ];
      for (const [message, error, field] of cases) {
        const answer = await ws.call(message);
        expect(answer).toMatchObject({ success: false, code: "VALIDATION" });
        expect(answer.error as string).toStartWith(error);
        expect(answer.field).toBe(field);
      }
      expect(ws.open).toBe(true);
      expect(await ws.call({ frame: agentFrame(session, 5) })).toMatchObject({ success: true });
      // The array with one bad frame was refused whole: nothing of it was journaled.
      expect((await getJson(server, lobbyStream(session))).body.events.map((e: any) => e.data.frame.frame_index)).toEqual([5]);
    });

    test("a frame over the event size limit, and a message over the message limit, are TOO_LARGE answers; the connection stays open", async () => {
      const session = newSession();
      await using ws = await openStreamSocket(server.url, { token });
      const big = await ws.call({ frame: { ...agentFrame(session, 0), padding: "x".repeat(20_000) } });
      expect(big).toMatchObject({ success: false, code: "TOO_LARGE" });
      const huge = await ws.call(`{"frame": {"padding": "${"y".repeat(10 * 1024 * 1024)}"}}`);
      expect(huge).toMatchObject({ success: false, code: "TOO_LARGE" });
      expect(huge.error as string).toContain("over the limit of 10485760");
      expect(await ws.call({ frame: agentFrame(session, 1) })).toMatchObject({ success: true });
    });

    test("many messages sent at once are answered one each, in the order sent", async () => {
      const session = newSession();
      await using ws = await openStreamSocket(server.url, { token });
      const bad = new Set([3, 17, 30]);
      for (let i = 0; i < 40; i++) ws.send(bad.has(i) ? { frame: { frame_index: i } } : { frame: agentFrame(session, i) });
      const answers = [];
      for (let i = 0; i < 40; i++) answers.push(await ws.next());
      expect(answers.map((a) => a.success)).toEqual(Array.from({ length: 40 }, (_, i) => !bad.has(i)));
      const ids = answers.filter((a) => a.success).map((a) => (a.ids as string[])[0]!);
      const sorted = [...ids].sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]) || Number(a.split("-")[1]) - Number(b.split("-")[1]));
      expect(ids).toEqual(sorted);
      expect(new Set(ids).size).toBe(37);
      const stored = await waitForStored(server, session, 37);
      expect(stored.map((e) => e.frame.frame_index)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => !bad.has(i)));
    });

    test("a frame delivered twice (retry, reconnect, another path) is journaled and stored once, answered with the first id", async () => {
      const session = newSession();
      const frame = agentFrame(session, 4);
      await using first = await openStreamSocket(server.url, { token, headers: { "X-Node-ID": "n" } });
      const a = await first.call({ frame });
      const b = await first.call({ frame });
      await using second = await openStreamSocket(server.url, { token, headers: { "X-Node-ID": "n" } });
      const c = await second.call([{ frame }, { frame: agentFrame(session, 5) }]);
      const rest = await fetch(`${server.url}/session-events`, {
        method: "POST",
        headers: { "X-Node-ID": "n", authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(frame),
      });
      expect(rest.status).toBe(200);
      expect(b.ids).toEqual(a.ids);
      expect((c.ids as string[])[0]).toBe((a.ids as string[])[0]!);

      // Another node, or another user, sending the same frame is another event.
      await using other = await openStreamSocket(server.url, { token, headers: { "X-Node-ID": "m" } });
      expect((await other.call({ frame })).ids).not.toEqual(a.ids);

      // The worker stores in journal order, so once node m's frame (journaled last) is stored, so is everything before it.
      await waitFor("node m's frame stored", async () => (await getJson(server, `/session-events/${session}.m`)).body.count === 1);
      expect((await getJson(server, `/session-events/${session}.n`)).body.count).toBe(2);
      expect((await getJson(server, lobbyStream(session))).body.events).toHaveLength(3);
    });

    test("stored frames read back through GraphQL and the typed client's tRPC procedures", async () => {
      const session = newSession();
      await using ws = await openStreamSocket(server.url, { token, headers: { "X-Node-ID": "gq" } });
      expect(await ws.call([0, 1, 2].map((i) => ({ frame: agentFrame(session, i) })))).toMatchObject({ success: true });
      await waitForStored(server, session, 3);

      const res = await fetch(`${server.url}/v3/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ sessionEvents(lobbySessionId: "${session}", limit: 2) { totalCount pageInfo { hasNextPage } edges { node { matchId userId eventTypes frameData } } } }` }),
      });
      const { data } = (await res.json()) as any;
      expect(data.sessionEvents.totalCount).toBe(3);
      expect(data.sessionEvents.pageInfo.hasNextPage).toBe(true);
      expect(data.sessionEvents.edges.map((e: any) => e.node.frameData.frame_index)).toEqual([0, 1]);
      expect(data.sessionEvents.edges[0].node).toMatchObject({ matchId: `${session}.gq`, userId: "agent-user", eventTypes: ["player_joined"] });

      const client = createClient({ url: server.url });
      const first = await client.sessions.getSessionEvents.query({ lobby_session_id: session.toUpperCase(), limit: 2 });
      // (No asymmetric matchers inside toMatchObject here: Bun writes them into the received object.)
      expect(first).toMatchObject({ lobby_session_id: session, count: 2 });
      expect(first.next_after).toBeString();
      expect(first.events[0]).toMatchObject({ match_id: `${session}.gq`, node: "gq", user_id: "agent-user", frame_index: 0, event_types: ["player_joined"], timestamp: "2025-03-01T12:00:00.000Z" });
      const next = await client.sessions.getSessionEvents.query({ lobby_session_id: session, limit: 2, after: first.next_after });
      expect(next.events.map((e) => e.frame_index)).toEqual([2]);
      expect(next.next_after).toBeUndefined();
      expect((await client.sessions.getMatchEvents.query({ match_id: `${session}.gq` })).count).toBe(3);
      expect((await client.sessions.getMatchEvents.query({ match_id: `${session}.other` })).events).toEqual([]);
      expect(await client.sessions.getLobbySession.query({ lobby_session_id: session })).toMatchObject({ lobby_session_id: session, count: 3 });
      expect(await client.sessions.getLobbySession.query({ lobby_session_id: newSession() })).toBeNull();
      await expect(client.sessions.getSessionEvents.query({ lobby_session_id: "nope" })).rejects.toThrow("lobby_session_id: must be a session UUID");
      await closeClient(client);
    });

    test("tRPC sessions.ingestFrames needs a token and goes through the same pipeline", async () => {
      const session = newSession();
      const anonymous = createClient({ url: server.url });
      await expect(anonymous.sessions.ingestFrames.mutate({ frames: [agentFrame(session, 0)] })).rejects.toThrow("a token is required");
      const client = createClient({ url: server.url, token });
      await expect(client.sessions.ingestFrames.mutate({ frames: [agentFrame(session, 0), { session: {} }] })).rejects.toThrow("frames[1].session.session_id: ");
      const result = await client.sessions.ingestFrames.mutate({ frames: [agentFrame(session, 0), camelFrame(session, 1)], node_id: "t" });
      expect(result).toEqual({ ids: [expect.any(String), expect.any(String)], match_ids: [`${session}.t`, `${session}.t`] });
      const stored = await waitForStored(server, session, 2);
      expect(stored.map((e) => e.user_id)).toEqual(["agent-user", "agent-user"]);
      await Promise.all([closeClient(anonymous), closeClient(client)]);
    });
  });
}

/** The secret the server signs with (generated in its DATA_DIR). */
async function secretOf(server: TestServer): Promise<string> {
  return (await Bun.file(`${server.dataDir}/jwt-secret`).text()).trim();
}
