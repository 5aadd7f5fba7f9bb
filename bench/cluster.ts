/**
 * `bun bench/cluster.ts [--seconds N]`: what running on a Redis Cluster
 * costs and buys, measured on loopback (not part of `bun run bench`, not a
 * test). Three figures, each beside its own baseline in the same run:
 *
 * 1. hot key: telemetry broadcasts to 256 lobbies through one instance and
 *    through three, on a three-master cluster (and one instance on one
 *    Redis), and how the script calls spread over the masters: every
 *    broadcast also lands on `events:rtapi`, one slot, one master;
 * 2. WAIT: keyed player actions through one instance on a cluster whose
 *    masters have a replica each, with JOURNAL_REDIS_WAIT_REPLICAS 0 and 1;
 * 3. live tailing: publish-to-receive latency of 64 lobbies followed from
 *    one instance (one blocking XREAD per watched slot on a cluster, one
 *    XREAD for all on one Redis), and the connections that costs.
 *
 * Prints a JSON object per figure. On a 2-core machine every process shares
 * the same cores: compare the ratios, not the absolute numbers.
 */
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { closeClient, createClient as createGameJournalClient } from "../client/src/index.ts";
import { startRedis, startRedisCluster, uniqueName, waitFor, type RedisClusterHandle } from "../test/harness/index.ts";
import { startInstances, type Instances } from "../test/scale/instances.ts";
import { Histogram } from "./lib/histogram.ts";
import { closedLoop } from "./lib/load.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" } }, strict: true });
const durationMs = Number(values.seconds) * 1000;
if (!Number.isFinite(durationMs) || durationMs <= 0) throw new Error(`--seconds: expected a positive number, got ${values.seconds}`);
const load = { durationMs, warmupMs: 1_000 };

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** Per master (by port): XADDs it has run (scripts' included), its CPU seconds, and WAITs it answered so far. */
async function masterStats(ports: number[]): Promise<Map<number, { xadd: number; cpu: number; wait: number }>> {
  const stats = new Map<number, { xadd: number; cpu: number; wait: number }>();
  for (const port of ports) {
    const client = createClient({ url: `redis://127.0.0.1:${port}` });
    await client.connect();
    const info = String(await client.sendCommand(["INFO", "all"]));
    const role = String(((await client.sendCommand(["ROLE"])) as unknown[])[0]);
    client.destroy();
    const figure = (re: RegExp) => Number(re.exec(info)?.[1] ?? 0);
    if (role === "master") {
      stats.set(port, {
        xadd: figure(/cmdstat_xadd:calls=(\d+)/),
        cpu: figure(/used_cpu_user:([\d.]+)/) + figure(/used_cpu_sys:([\d.]+)/),
        wait: figure(/cmdstat_wait:calls=(\d+)/),
      });
    }
  }
  return stats;
}

/** What each master did between two `masterStats`, busiest first, and the busiest one's share. */
function spread(before: Awaited<ReturnType<typeof masterStats>>, after: Awaited<ReturnType<typeof masterStats>>) {
  const rows = [...after].map(([port, a]) => ({ xadd: a.xadd - (before.get(port)?.xadd ?? 0), cpu_s: Math.round((a.cpu - (before.get(port)?.cpu ?? 0)) * 100) / 100 }));
  rows.sort((x, y) => y.xadd - x.xadd);
  const share = (key: "xadd" | "cpu_s") => Math.round((Math.max(...rows.map((r) => r[key])) / rows.reduce((sum, r) => sum + r[key], 0)) * 100) / 100;
  return { per_master: rows, hottest_xadd_share: share("xadd"), hottest_cpu_share: share("cpu_s") };
}

function clusterEnv(cluster: RedisClusterHandle, extra: Record<string, string> = {}) {
  return { JOURNAL_REDIS_URI: cluster.url, JOURNAL_REDIS_CLUSTER: "true", LOG_LEVEL: "warn", ...extra };
}

async function broadcasts(instances: Instances) {
  const lobbies = Array.from({ length: 256 }, (_, i) => uniqueName(`hot${i}`));
  let n = 0;
  return closedLoop({ concurrency: 64, ...load }, async () => {
    const i = n++;
    await post(`${instances.pick(i).url}/v1/lobbies/${lobbies[i % lobbies.length]}/telemetry`, { n: i, hp: 100, pos: [1.5, 2.5, 3.5] });
    return 1;
  });
}

async function hotKey() {
  const results: Record<string, unknown> = {};
  {
    await using redis = await startRedis({ appendfsync: "everysec" });
    await using one = await startInstances(1, { JOURNAL_REDIS_URI: redis.url, LOG_LEVEL: "warn" });
    results.standalone_1_instance = (await broadcasts(one)).events_per_s;
  }
  for (const count of [1, 3]) {
    await using cluster = await startRedisCluster({ appendfsync: "everysec" });
    await using instances = await startInstances(count, clusterEnv(cluster));
    const ports = cluster.nodes.map((n) => n.port);
    const before = await masterStats(ports);
    const result = await broadcasts(instances);
    results[`cluster_${count}_instances`] = { events_per_s: result.events_per_s, ...result.hist.summaryMs(), ...spread(before, await masterStats(ports)) };
  }
  return results;
}

async function waitCost() {
  await using cluster = await startRedisCluster({ replicasPerMaster: 1, appendfsync: "everysec" });
  const results: Record<string, unknown> = {};
  for (const replicas of [0, 1]) {
    await using instances = await startInstances(1, clusterEnv(cluster, { JOURNAL_REDIS_WAIT_REPLICAS: String(replicas) }));
    const url = `${instances.all[0]!.url}/v1/journal/player-actions`;
    const ports = cluster.nodes.map((n) => n.port);
    const before = await masterStats(ports);
    let n = 0;
    const action = () => ({ user_id: "u1", session_id: "s1", match_id: "m1", action: "goal_scored", data: { n: n++ }, key: uniqueName("k") });
    const concurrent = await closedLoop({ concurrency: 50, ...load }, async () => (await post(url, [action()]), 1));
    const single = await closedLoop({ concurrency: 1, ...load }, async () => (await post(url, [action()]), 1));
    const after = await masterStats(ports);
    results[`wait_replicas_${replicas}`] = {
      waits_sent: [...after].reduce((sum, [port, a]) => sum + a.wait - (before.get(port)?.wait ?? 0), 0),
      c50_events_per_s: concurrent.events_per_s,
      c50: concurrent.hist.summaryMs(),
      c1: single.hist.summaryMs(),
    };
  }
  return results;
}

async function tailing(env: Record<string, string>, masters: number[]) {
  await using instances = await startInstances(1, env);
  const url = instances.all[0]!.url;
  const lobbies = Array.from({ length: 64 }, (_, i) => uniqueName(`tail${i}`));
  const client = createGameJournalClient({ url, subscriptions: "ws" });
  const hist = new Histogram();
  const started = new Set<string>();
  const sentAt = new Map<string, number>();
  let received = 0;
  const subs = lobbies.map((lobbyId) =>
    client.telemetry.lobby.subscribe(
      { lobbyId },
      {
        onStarted: () => void started.add(lobbyId),
        onData: ({ data }) => {
          const key = (data as { data?: { key?: string } }).data?.key;
          const at = key ? sentAt.get(key) : undefined;
          if (at !== undefined) hist.record((performance.now() - at) * 1000);
          received++;
        },
      },
    ),
  );
  try {
    await waitFor("every subscription", () => started.size === lobbies.length, { timeoutMs: 30_000 });
    const rounds = 30;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        lobbies.map(async (lobby, i) => {
          const key = `${round}-${i}`;
          sentAt.set(key, performance.now());
          await post(`${url}/v1/lobbies/${lobby}/telemetry`, { key });
        }),
      );
      await Bun.sleep(20);
    }
    await waitFor("every delivery", () => received >= rounds * lobbies.length, { timeoutMs: 30_000 });
    // Every feed is live now: what following 64 lobbies holds open.
    await Bun.sleep(200);
    const idle = await clientCount(masters);
    return { lobbies: lobbies.length, deliveries: hist.count, ...hist.summaryMs(), blocked_xreads: idle.xread, redis_connections: idle.all };
  } finally {
    for (const sub of subs) sub.unsubscribe();
    await closeClient(client);
  }
}

/** Client connections on the given nodes (but our own probe), and how many of them wait in XREAD. */
async function clientCount(ports: number[]): Promise<{ all: number; xread: number }> {
  let all = 0;
  let xread = 0;
  for (const port of ports) {
    const client = createClient({ url: `redis://127.0.0.1:${port}` });
    await client.connect();
    const lines = String(await client.sendCommand(["CLIENT", "LIST"])).trim().split("\n");
    client.destroy();
    all += lines.length - 1;
    xread += lines.filter((l) => l.includes("cmd=xread ")).length;
  }
  return { all, xread };
}

const report: Record<string, unknown> = {};
report.hot_key = await hotKey();
console.log(JSON.stringify({ hot_key: report.hot_key }, null, 2));
report.wait = await waitCost();
console.log(JSON.stringify({ wait: report.wait }, null, 2));
{
  await using redis = await startRedis({ appendfsync: "everysec" });
  const standalone = await tailing({ JOURNAL_REDIS_URI: redis.url, LOG_LEVEL: "warn" }, [redis.port]);
  await using cluster = await startRedisCluster({ appendfsync: "everysec" });
  const onCluster = await tailing(clusterEnv(cluster), cluster.nodes.map((n) => n.port));
  report.tailing = { standalone, cluster: onCluster };
  console.log(JSON.stringify({ tailing: report.tailing }, null, 2));
}
process.exit(0);
