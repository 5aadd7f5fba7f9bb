import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import { sharedRedisCluster, startRedisCluster, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const action = (n: number) => ({ user_id: `u${n}`, session_id: "s1", match_id: "m1", action: "goal_scored", data: { n } });

async function health(url: string) {
  return (await fetch(`${url}/health`)).json() as Promise<{ status: string; dependencies: Record<string, Record<string, unknown>> }>;
}

describe("Redis Cluster: a master that goes away is an outage, not an error", () => {
  test("appends to its slots spool, reads and registry writes answer 503, /health names it; once back, the spool drains in order", async () => {
    await using cluster = await startRedisCluster({ nodeTimeoutMs: 1_000 });
    await using server = await startTestServer({ JOURNAL_REDIS_URI: cluster.url, JOURNAL_REDIS_CLUSTER: "true" });
    await waitFor("healthy", async () => (await health(server.url)).status === "healthy");
    expect((await health(server.url)).dependencies.redis).toMatchObject({ status: "up", mode: "cluster", masters: 3 });

    const doomed = await cluster.masterOf("events:player_actions");
    // A lobby whose subscriptions hash lives on the same master.
    let lobby = "";
    for (let i = 0; !lobby; i++) {
      const candidate = uniqueName(`lobby${i}`);
      if ((await cluster.masterOf(`rtapi:subs:{${candidate}}`)) === doomed) lobby = candidate;
    }
    expect((await post(`${server.url}/v1/journal/player-actions`, [action(0)])).status).toBe(200);
    // Telemetry for a lobby whose stream, like events:rtapi, lives on a master that stays up.
    const live = await cluster.masterOf("events:rtapi");
    expect(live).not.toBe(doomed);
    let liveLobby = "";
    for (let i = 0; !liveLobby; i++) {
      const candidate = uniqueName(`live${i}`);
      if ((await cluster.masterOf(`lobby:{${candidate}}:events`)) === live) liveLobby = candidate;
    }

    await doomed.stop({ kill: true });
    const spooled = await post(`${server.url}/v1/journal/player-actions`, [action(1), action(2)]);
    expect(spooled.body).toEqual({ ids: [null, null], spooled: true });
    const report = await health(server.url);
    expect(report.status).toBe("degraded");
    expect(report.dependencies.redis).toMatchObject({ status: "down", spool_depth: 2 });
    expect(String(report.dependencies.redis!.error)).toContain(`127.0.0.1:${doomed.port}`);
    expect((await fetch(`${server.url}/v1/journal/events:player_actions`)).status).toBe(503);
    const subscribe = await post(`${server.url}/rtapi/subscribe`, { lobby_id: lobby }, { "X-Session-ID": "s1", "X-User-ID": "u1" });
    expect(subscribe.status).toBe(503);

    // Once the other masters see it fail, they answer CLUSTERDOWN for every slot: the same outage.
    const survivor = cluster.nodes.find((n) => n.running)!;
    await waitFor("the cluster to report the failure", async () => {
      const proc = Bun.spawn(["redis-cli", "-p", String(survivor.port), "cluster", "info"], { stdout: "pipe" });
      return (await new Response(proc.stdout).text()).includes("cluster_state:fail");
    });
    const telemetry = { user_id: "u9", session_id: "s1", lobby_id: liveLobby, data: { n: 9 } };
    const elsewhere = await post(`${server.url}/v1/journal/telemetry`, [telemetry]);
    expect(elsewhere.body).toMatchObject({ spooled: true });
    expect((await fetch(`${server.url}/v1/journal/events:rtapi`)).status).toBe(503);

    await doomed.start();
    await cluster.waitHealthy();
    await waitFor("healthy again", async () => (await health(server.url)).status === "healthy", { timeoutMs: 30_000 });
    const events = (await (await fetch(`${server.url}/v1/journal/events:player_actions`)).json()).events as Array<{ user_id: string }>;
    expect(events.map((e) => e.user_id)).toEqual(["u0", "u1", "u2"]);
    const lobbyEvents = (await (await fetch(`${server.url}/v1/journal/lobby:{${liveLobby}}:events`)).json()).events as Array<{ user_id: string }>;
    expect(lobbyEvents.map((e) => e.user_id)).toEqual(["u9"]);
    expect((await post(`${server.url}/rtapi/subscribe`, { lobby_id: lobby }, { "X-Session-ID": "s1", "X-User-ID": "u1" })).status).toBe(200);
  });
});

describe("Redis Cluster: a node reached without JOURNAL_REDIS_CLUSTER", () => {
  test("/health names the setting to change, and a command the node redirects answers 503 saying so, not a 500", async () => {
    const { urls } = await sharedRedisCluster();
    // A node that does not serve events:rtapi's slot: it answers MOVED.
    let url = "";
    for (const candidate of urls) {
      const client = createClient({ url: candidate });
      await client.connect();
      const moved = await client.xLen("events:rtapi").then(() => false, (error: Error) => error.message.startsWith("MOVED"));
      client.destroy();
      if (moved) url = candidate;
    }
    expect(url).not.toBe("");
    await using server = await startTestServer({ JOURNAL_REDIS_URI: url });
    const report = await waitFor("the probe to run", async () => {
      const state = (await health(server.url)).dependencies.redis!;
      return state.error ? state : null;
    });
    expect(report).toMatchObject({ status: "down", error: "this Redis is a node of a Redis Cluster: set JOURNAL_REDIS_CLUSTER=true" });
    const read = await fetch(`${server.url}/v1/journal/events:rtapi`);
    expect(read.status).toBe(503);
    expect(JSON.stringify(await read.json())).toContain("set JOURNAL_REDIS_CLUSTER=true");
  });
});
