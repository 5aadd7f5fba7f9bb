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
 * would blur its delta). Subscribers live in worker processes. Baseline:
 * that redis-server's RSS growth per idle node-redis subscriber
 * (SUBSCRIBE to one channel), the same count.
 */
const SUBSCRIBER = new URL("../workers/subscriber.ts", import.meta.url).pathname;
const PER_WORKER = 2_500;

async function settledRss(pid: number, readings: number): Promise<number> {
  // Let timers, GC and lazily freed buffers settle; take the lowest of a few readings.
  let low = Infinity;
  for (let i = 0; i < readings; i++) {
    await Bun.sleep(200);
    low = Math.min(low, rssBytes(pid));
  }
  return low;
}

async function perConnection(mode: "trpc" | "redis", url: string, pid: number, count: number, topic: string): Promise<{ bytes: number; seconds: number }> {
  const before = await settledRss(pid, 4);
  const t0 = performance.now();
  const workers = shares(count, Math.ceil(count / PER_WORKER)).map((n) => new WorkerProcess(SUBSCRIBER, { mode, url, topic, count: n }));
  try {
    const ready = await Promise.all(workers.map((w) => w.next("ready", 180_000)));
    const connected = ready.reduce((n, r) => n + Number(r.connected), 0);
    if (connected !== count) throw new Error(`${connected} of ${count} subscribers connected`);
    const seconds = (performance.now() - t0) / 1000;
    const after = await settledRss(pid, 10);
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
        ],
        compare: "bytes_per_connection",
        target: { text: "≤ 8 KiB per idle subscriber", met: kib <= 8 },
      }),
    );
  }
  return rows;
}
