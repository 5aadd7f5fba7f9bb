import type { BenchContext } from "../lib/context.ts";
import { row, type Row } from "../lib/report.ts";
import { rssBytes, startRedis, startServer } from "../lib/services.ts";
import { shares, WorkerProcess } from "../lib/workers.ts";

/**
 * Connection cost: the server's RSS growth per idle WebSocket subscriber
 * (each holding a live `telemetry.lobby` subscription to one lobby), at
 * 1,000 and 10,000 connections, on a fresh server each time so earlier
 * scenarios' heaps do not blur the delta, on a fresh redis-server of the
 * scenario's own (the run's Redis frees the replay stream meanwhile, which
 * would blur its delta). Subscribers live in worker processes. Baselines:
 * that redis-server's RSS growth per idle node-redis subscriber
 * (SUBSCRIBE to one channel), and a bare Bun.serve whose WebSockets join a
 * native topic (bench/workers/bare-ws-server.ts: what Bun itself costs per
 * connection), the same count.
 *
 * The "after" reading is the lowest over 12 s: connecting leaves garbage
 * (handshakes, subscription set-up) that Bun's periodic full collection
 * returns about ten seconds later; an idle subscriber stays far longer.
 */
const SUBSCRIBER = new URL("../workers/subscriber.ts", import.meta.url).pathname;
const BARE_WS_SERVER = new URL("../workers/bare-ws-server.ts", import.meta.url).pathname;
const PER_WORKER = 2_500;

async function settledRss(pid: number, seconds: number): Promise<number> {
  // Let timers, GC and lazily freed buffers settle; take the lowest reading.
  let low = Infinity;
  for (let waited = 0; waited < seconds * 1000; waited += 250) {
    await Bun.sleep(250);
    low = Math.min(low, rssBytes(pid));
  }
  return low;
}

async function perConnection(mode: "trpc" | "redis", url: string, pid: number, count: number, topic: string): Promise<{ bytes: number; seconds: number }> {
  const before = await settledRss(pid, 1);
  const t0 = performance.now();
  const workers = shares(count, Math.ceil(count / PER_WORKER)).map((n) => new WorkerProcess(SUBSCRIBER, { mode, url, topic, count: n }));
  try {
    const ready = await Promise.all(workers.map((w) => w.next("ready", 180_000)));
    const connected = ready.reduce((n, r) => n + Number(r.connected), 0);
    if (connected !== count) throw new Error(`${connected} of ${count} subscribers connected`);
    const seconds = (performance.now() - t0) / 1000;
    const after = await settledRss(pid, 12);
    return { bytes: (after - before) / count, seconds };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

export async function connectionsScenario(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  await using redisServer = await startRedis();
  for (const count of [1_000, 10_000]) {
    ctx.log(`connections: ${count.toLocaleString("en-US")} idle subscribers, gamejournal`);
    await using server = await startServer({ JOURNAL_REDIS_URI: redisServer.url });
    // One subscriber first, so the per-subscription code paths are loaded before the "before" reading.
    await perConnection("trpc", server.url, server.pid, 1, "bench-idle-warm");
    const ours = await perConnection("trpc", server.url, server.pid, count, `bench-idle-${count}`);
    ctx.log(`connections: ${count.toLocaleString("en-US")} idle subscribers, Redis SUBSCRIBE`);
    const redis = await perConnection("redis", redisServer.url, redisServer.pid, count, `bench-idle-${count}`);
    ctx.log(`connections: ${count.toLocaleString("en-US")} idle subscribers, bare Bun.serve WebSockets on a topic`);
    const bare = await bareBun(count);
    const kib = ours.bytes / 1024;
    rows.push(
      row({
        scenario: "connections",
        case: `${count.toLocaleString("en-US")} idle WebSocket subscribers (server RSS delta)`,
        figures: { kib_per_connection: Math.round(kib * 100) / 100, bytes_per_connection: Math.round(ours.bytes), connect_seconds: Math.round(ours.seconds * 10) / 10 },
        baselines: [
          {
            name: `redis-server, ${count.toLocaleString("en-US")} idle node-redis SUBSCRIBE clients`,
            figures: { kib_per_connection: Math.round((redis.bytes / 1024) * 100) / 100, bytes_per_connection: Math.round(redis.bytes) },
          },
          {
            name: `bare Bun.serve, ${count.toLocaleString("en-US")} idle WebSockets joined to a topic`,
            figures: { kib_per_connection: Math.round((bare.bytes / 1024) * 100) / 100, bytes_per_connection: Math.round(bare.bytes) },
          },
        ],
        compare: "bytes_per_connection",
        target: { text: "≤ 8 KiB per idle subscriber", met: kib <= 8 },
      }),
    );
  }
  return rows;
}

/** The bare Bun WebSocket server's RSS growth per idle connection joined to a topic. */
async function bareBun(count: number): Promise<{ bytes: number; seconds: number }> {
  const server = new WorkerProcess(BARE_WS_SERVER, {});
  try {
    const { url, pid } = await server.next("ready", 30_000);
    await perConnection("trpc", String(url), Number(pid), 1, "bench-idle-warm");
    return await perConnection("trpc", String(url), Number(pid), count, "bench-idle");
  } finally {
    await server.stop();
  }
}
