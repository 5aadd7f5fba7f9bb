import { describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../../client/src/index.ts";
import { startMongo, startRedis, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";
import { openStreamSocket } from "../support/stream-socket.ts";
import { agentFrame, getJson, newSession, postJson, storedEvents } from "./ingest-fixtures.ts";

describe("a MongoDB outage during ingest", () => {
  test("delays storage and loses nothing: every frame accepted while MongoDB was down is stored once it is back", async () => {
    // Services of its own: this test stops MongoDB, and counts the group's pending entries on Redis.
    await using mongo = await startMongo();
    await using redis = await startRedis();
    await using server = await startTestServer({ JOURNAL_REDIS_URI: redis.url, MONGODB_URI: `${mongo.url}outage` });
    const session = newSession();
    const token = await server.services.auth.sign("outage-user");
    await using ws = await openStreamSocket(server.url, { token, headers: { "X-Node-ID": "node-o" } });

    expect(await ws.call({ frame: agentFrame(session, 0) })).toMatchObject({ success: true });
    await waitFor("the first frame stored", async () => (await storedEvents(server, session)).length === 1);

    await mongo.stop();
    // Ingest keeps answering success: the frames are durable in the journal, storage waits.
    for (let i = 1; i <= 10; i++) expect(await ws.call({ frame: agentFrame(session, i) })).toMatchObject({ success: true });
    expect((await postJson(server, "/session-events", agentFrame(session, 11), { "X-Node-ID": "node-o" })).status).toBe(200);
    expect((await getJson(server, `/lobby-session-events/${session}`)).status).toBe(503);
    // The worker holds the frame it could not store (pending in its group) rather than acknowledging or dropping it.
    const client = createClient({ url: server.url });
    const pending = () => client.journal.groups.pending.query({ stream: "events:rtapi", group: "session-events" });
    await waitFor("the worker holding a frame while MongoDB is down", async () => (await pending()).count > 0);

    await mongo.start();
    const stored = await waitFor(
      "all 12 frames stored after MongoDB came back",
      async () => {
        const events = await storedEvents(server, session);
        return events.length === 12 ? events : undefined;
      },
      { timeoutMs: 50_000, intervalMs: 250 },
    );
    expect(stored.map((e) => e.frame.frame_index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // Nothing was given up on, and the group has caught up.
    expect((await getJson(server, "/v1/journal/events:rtapi:dlq")).body.events).toEqual([]);
    await waitFor("nothing pending", async () => (await pending()).count === 0);
    await closeClient(client);
  }, 90_000);
});
