import { describe, expect, test } from "bun:test";
import { RedisServer, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const action = (n: number, key: string) => ({ user_id: `u${n}`, session_id: "s1", match_id: "m1", action: "goal_scored", data: { n }, key });

describe("JOURNAL_REDIS_WAIT_REPLICAS", () => {
  test("an append is answered once a replica has it; without the replica it answers 503 saying so, stored on the master, and is not spooled", async () => {
    // No diskless-sync delay: the replica is in sync at once instead of after 5 s.
    await using primary = new RedisServer("everysec", ["--repl-diskless-sync-delay", "0"]);
    await primary.start();
    await using replica = new RedisServer("everysec", ["--replicaof", "127.0.0.1", String(primary.port)]);
    await replica.start();
    await using server = await startTestServer({ JOURNAL_REDIS_URI: primary.url, JOURNAL_REDIS_WAIT_REPLICAS: "1", JOURNAL_REDIS_WAIT_TIMEOUT_MS: "300" });
    const cli = async (commands: string) =>
      new Response(Bun.spawn(["redis-cli", "-p", String(primary.port)], { stdin: new TextEncoder().encode(commands), stdout: "pipe" }).stdout).text();
    await waitFor("the replica to be in sync", async () => /slave0:.*state=online/.test(await cli("INFO replication\n")));
    // "online" is the master's view once the snapshot is sent; the replica may
    // still be loading it and not yet acknowledge. Wait until it does.
    await waitFor("the replica to acknowledge writes", async () => (await cli("SET ready 1\nWAIT 1 1000\n")).trim().endsWith("1"));

    const key = uniqueName("k");
    const kept = await post(`${server.url}/v1/journal/player-actions`, [action(1, key)]);
    expect(kept.status).toBe(200);
    expect(kept.body.ids[0]).toMatch(/^\d+-\d+$/);

    await replica.stop({ kill: true });
    const unreplicated = await post(`${server.url}/v1/journal/player-actions`, [action(2, uniqueName("k"))]);
    expect(unreplicated.status).toBe(503);
    expect(JSON.stringify(unreplicated.body)).toContain("acknowledged by 0 of 1 replicas within 300 ms");
    const stored = (await (await fetch(`${server.url}/v1/journal/events:player_actions`)).json()).events as Array<{ user_id: string }>;
    expect(stored.map((e) => e.user_id)).toEqual(["u1", "u2"]);
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health.dependencies.redis.spool_depth).toBe(0);
  });
});
