import { createClient } from "redis";
import type { BenchContext } from "../lib/context.ts";
import { eventFields } from "../lib/event.ts";
import type { Figures } from "../lib/report.ts";
import { WorkerProcess } from "../lib/workers.ts";

/**
 * Raw-Redis ingest baselines, measured against the bench's own redis-server:
 * what Redis itself allows for the same event (redis-benchmark), and what a
 * plain node-redis client in Bun gets when it pipelines the same XADDs.
 */

/** `redis-benchmark -P 32 -c 50 -n <n> XADD <stream> * <the event's six fields>`: the ceiling. */
export async function redisBenchmarkXadd(port: number, n: number, stream = "bench:redis-benchmark", fields = eventFields()): Promise<Figures> {
  const proc = Bun.spawn(["redis-benchmark", "-h", "127.0.0.1", "-p", String(port), "-P", "32", "-c", "50", "-n", String(n), "--csv", "XADD", stream, "*", ...fields], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  const m = /"([\d.]+)","([\d.]+)","([\d.]+)","([\d.]+)","([\d.]+)","([\d.]+)","([\d.]+)"\s*$/.exec(out.trim());
  if (code !== 0 || !m) throw new Error(`redis-benchmark failed (${code}): ${out.slice(-300)} ${await new Response(proc.stderr).text()}`);
  // Its latency is per pipelined command, reported for reference only.
  return { events_per_s: Math.round(Number(m[1])), p50_ms: Number(m[4]), p99_ms: Number(m[6]), events: n };
}

/** XADDs from one node-redis client, `window` commands in flight (auto-pipelined in one tick), `n` in all. */
export async function nodeRedisXadd(url: string, n: number, stream = "bench:node-redis", window = 1_000): Promise<Figures> {
  const client = createClient({ url });
  await client.connect();
  try {
    const fields = eventFields();
    const message: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) message[fields[i]!] = fields[i + 1]!;
    // Warm up the connection and the JIT.
    await Promise.all(Array.from({ length: window }, () => client.xAdd(stream, "*", message)));
    const t0 = performance.now();
    for (let done = 0; done < n; done += window) {
      await Promise.all(Array.from({ length: Math.min(window, n - done) }, () => client.xAdd(stream, "*", message)));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { events_per_s: Math.round(n / seconds), events: n };
  } finally {
    client.destroy();
  }
}

/**
 * Runs `load` against one of the bare servers of bench/workers/ (its own
 * process, on the run's Redis, told `args`), then stops it: the floors the
 * server's cases are compared with.
 * - `minimal-server`: Bun.serve + node-redis, one XADD per event (a batch's
 *   pipelined); `readBack: true` also reads every event back through a
 *   consumer group;
 * - `minimal-frame-server`: the frames' journaling and storing, nothing else;
 * - `minimal-replay-server`: XRANGE paging to a WebSocket, a JSON message a page.
 */
export async function againstBareServer<T>(
  ctx: BenchContext,
  server: "minimal-server" | "minimal-frame-server" | "minimal-replay-server" | "minimal-fanout-server",
  load: (url: string) => Promise<T>,
  args: Record<string, unknown> = {},
): Promise<T> {
  const worker = new WorkerProcess(new URL(`../workers/${server}.ts`, import.meta.url).pathname, { redisUrl: ctx.redis.url, ...args });
  try {
    return await load(String((await worker.next("ready", 30_000)).url));
  } finally {
    await worker.stop();
  }
}
