import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeClient, createClient } from "../../client/src/index.ts";
import { sharedRedis, startRedis, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const action = (n: number, extra: object = {}) => ({ user_id: `u${n}`, session_id: "s1", match_id: "m1", action: "goal_scored", data: { n }, ...extra });

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url })],
];

for (const [name, env] of backends) {
  describe(`journal API on ${name}`, () => {
    test("REST appends one event or an array and answers the ids; GET reads them back in order", async () => {
      await using server = await startTestServer(await env());
      const one = await post(`${server.url}/v1/journal/player-actions`, action(0));
      expect(one.status).toBe(200);
      expect(one.body.ids).toHaveLength(1);
      expect(one.body.ids[0]).toMatch(/^\d+-\d+$/);
      const many = await post(`${server.url}/v1/journal/player-actions`, [action(1), action(2), action(3)]);
      expect(many.body.ids).toHaveLength(3);

      const res = await fetch(`${server.url}/v1/journal/events:player_actions?from=${one.body.ids[0]}&count=10`);
      expect(res.status).toBe(200);
      const read = await res.json();
      expect(read.stream).toBe("events:player_actions");
      expect(read.events.map((e: { id: string }) => e.id)).toEqual([one.body.ids[0], ...many.body.ids]);
      expect(read.events[0]).toMatchObject({ type: "goal_scored", user_id: "u0", session_id: "s1", match_id: "m1", data: { n: 0 } });
      expect(typeof read.events[0].ts).toBe("number");
      const after = await (await fetch(`${server.url}/v1/journal/events:player_actions?after=${many.body.ids[1]}`)).json();
      expect(after.events.map((e: { id: string }) => e.id)).toEqual([many.body.ids[2]]);
    });

    test("purchases and telemetry land in their streams; telemetry carries stream mode 0x16", async () => {
      await using server = await startTestServer(await env());
      const p = await post(`${server.url}/v1/journal/purchases`, { user_id: "u1", session_id: "s1", purchase: { sku: "gold-100", price: 99 } });
      const t = await post(`${server.url}/v1/journal/telemetry`, { user_id: "u1", session_id: "s1", lobby_id: "l1", data: { x: 1 } });
      const purchases = await (await fetch(`${server.url}/v1/journal/events:purchases?from=${p.body.ids[0]}`)).json();
      expect(purchases.events[0]).toMatchObject({ type: "purchase", data: { sku: "gold-100", price: 99 } });
      const rtapi = await (await fetch(`${server.url}/v1/journal/events:rtapi?from=${t.body.ids[0]}`)).json();
      expect(rtapi.events[0]).toMatchObject({ type: "telemetry", lobby_id: "l1", mode: 0x16, data: { x: 1 } });
    });

    test("a repeated idempotency key returns the first id and adds nothing", async () => {
      await using server = await startTestServer(await env());
      const key = `purchase-${crypto.randomUUID()}`;
      const first = await post(`${server.url}/v1/journal/player-actions`, action(1, { key }));
      const again = await post(`${server.url}/v1/journal/player-actions`, action(2, { key }));
      expect(again.body).toEqual({ ids: first.body.ids, duplicates: 1 });
      const read = await (await fetch(`${server.url}/v1/journal/events:player_actions?from=${first.body.ids[0]}`)).json();
      expect(read.events).toHaveLength(1);
    });

    test("bad input gets a clear 400 or 413 and changes nothing", async () => {
      await using server = await startTestServer({ ...(await env()), JOURNAL_MAX_EVENT_BYTES: "2048", JOURNAL_MAX_BATCH: "5" });
      const [marker] = (await post(`${server.url}/v1/journal/player-actions`, action(0))).body.ids;
      const cases: Array<[unknown, number, RegExp, string?]> = [
        ["{not json", 400, /not valid JSON/],
        [{ ...action(1), user_id: undefined }, 400, /user_id/, "user_id"],
        [{ ...action(1), match_id: "" }, 400, /match_id must not be empty/, "match_id"],
        [[action(1), { ...action(2), action: 7 }], 400, /^\[1\]\.action/, "[1].action"],
        [[], 400, /non-empty array/],
        [{ ...action(1), data: { blob: "x".repeat(4_000) } }, 413, /over the limit of 2048/],
        [Array.from({ length: 6 }, (_, i) => action(i)), 413, /at most 5 events/],
      ];
      for (const [body, status, message, field] of cases) {
        const res = await post(`${server.url}/v1/journal/player-actions`, body);
        expect({ status: res.status, error: res.body.error }).toEqual({ status, error: expect.stringMatching(message) });
        expect(res.body.success).toBe(false);
        if (field) expect(res.body.field).toBe(field);
      }
      const unknown = await fetch(`${server.url}/v1/journal/events:nope`);
      expect(unknown.status).toBe(400);
      expect((await unknown.json()).error).toContain("events:player_actions, events:purchases, events:rtapi");
      const badCount = await fetch(`${server.url}/v1/journal/events:rtapi?count=0`);
      expect(badCount.status).toBe(400);
      expect((await badCount.json()).field).toBe("count");
      const read = await (await fetch(`${server.url}/v1/journal/events:player_actions?from=${marker}`)).json();
      expect(read.events).toHaveLength(1); // nothing after the marker was stored
    });

    test("tRPC: the seed's calls, a 1,000-event batch in one call, reads, stream info and consumer groups", async () => {
      await using server = await startTestServer(await env());
      const client = createClient({ url: server.url });
      try {
        const { ids: [first] } = await client.journal.playerAction.mutate(action(0));
        await client.journal.purchase.mutate({ user_id: "u1", session_id: "s1", purchase: { sku: "x" } });
        await client.journal.telemetry.mutate({ user_id: "u1", session_id: "s1", lobby_id: "l1", data: {} });
        // A group that sees only what comes next ($), for remote consumers below.
        const group = `g-${crypto.randomUUID()}`;
        expect(await client.journal.groups.create.mutate({ stream: "events:player_actions", group, start_id: "$" })).toEqual({ created: true });
        const batch = await client.journal.appendBatch.mutate({
          events: Array.from({ length: 1_000 }, (_, n) => ({ stream: "events:player_actions" as const, type: "tick", user_id: `u${n}`, data: { n } })),
        });
        expect(batch.ids).toHaveLength(1_000);
        const read = await client.journal.read.query({ stream: "events:player_actions", after: first!, count: 1_000 });
        expect(read.events.map((e) => e.id)).toEqual(batch.ids as string[]);

        expect(await client.journal.groups.create.mutate({ stream: "events:player_actions", group })).toEqual({ created: false });
        const got = await client.journal.groups.read.mutate({ stream: "events:player_actions", group, consumer: "c1", count: 10 });
        expect(got.events.map((e) => e.id)).toEqual(batch.ids.slice(0, 10) as string[]);
        expect(got.events[0]!.deliveries).toBe(1);
        expect(await client.journal.groups.pending.query({ stream: "events:player_actions", group })).toEqual({ count: 10, consumers: [{ name: "c1", pending: 10 }] });
        expect(await client.journal.groups.ack.mutate({ stream: "events:player_actions", group, ids: got.events.map((e) => e.id) })).toEqual({ acked: 10 });

        const streams = await client.journal.streams.query();
        expect(streams.map((s) => s.stream)).toEqual(["events:player_actions", "events:purchases", "events:rtapi"]);
        const actions = streams[0]!;
        expect(actions.length).toBeGreaterThanOrEqual(1_001);
        expect(actions.last_id).toBe(batch.ids[999]!);
        expect(actions.groups.find((g) => g.name === group)).toMatchObject({ pending: 0, lag: 990 });

        await expect(client.journal.playerAction.mutate({ ...action(1), user_id: "" })).rejects.toMatchObject({
          data: { httpStatus: 400, field: "user_id" },
        });
      } finally {
        await closeClient(client);
      }
    });

    test("metrics count appended events by stream", async () => {
      await using server = await startTestServer(await env());
      await post(`${server.url}/v1/journal/player-actions`, [action(1), action(2)]);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('gamejournal_journal_events_appended_total{stream="events:player_actions"} 2');
      expect(text).toContain("gamejournal_journal_append_duration_seconds_count 1");
      expect(text).toContain("gamejournal_journal_spool_depth 0");
    });
  });
}

describe("journal durability", () => {
  test("the embedded journal keeps its events across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gamejournal-restart-"));
    let id: string;
    {
      await using first = await startTestServer({}, { dataDir });
      id = (await post(`${first.url}/v1/journal/player-actions`, action(7))).body.ids[0];
    }
    await using restarted = await startTestServer({}, { dataDir });
    const read = await (await fetch(`${restarted.url}/v1/journal/events:player_actions?from=${id}`)).json();
    expect(read.events[0]).toMatchObject({ id, user_id: "u7" });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("with Redis down, appends are spooled and /health is degraded with the spool depth, until Redis returns", async () => {
    await using redis = await startRedis();
    await using server = await startTestServer({ JOURNAL_REDIS_URI: redis.url });
    await waitFor("redis up", async () => (await (await fetch(`${server.url}/health`)).json()).status === "healthy");
    await redis.stop();
    const spooled = await post(`${server.url}/v1/journal/player-actions`, [action(1), action(2)]);
    expect(spooled.body).toEqual({ ids: [null, null], spooled: true });
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health.status).toBe("degraded");
    expect(health.dependencies.redis).toMatchObject({ status: "down", spool_depth: 2 });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain("gamejournal_journal_spool_depth 2");
    const read = await fetch(`${server.url}/v1/journal/events:player_actions`);
    expect(read.status).toBe(503);

    await redis.start();
    await waitFor("healthy again", async () => (await (await fetch(`${server.url}/health`)).json()).status === "healthy", { timeoutMs: 20_000 });
    const events = (await (await fetch(`${server.url}/v1/journal/events:player_actions`)).json()).events;
    expect(events.map((e: { user_id: string }) => e.user_id)).toEqual(["u1", "u2"]);
  });
});
