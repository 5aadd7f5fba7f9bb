/**
 * A development harness (not part of `bun run bench`): one load against one
 * server, with the CPU each process spent per event, read from /proc.
 *
 *   bun bench/dev/drive.ts <load> [seconds] [--split] [--env='{"K":"V"}'] [--profile=<dir>] [--commands]
 *
 * load: rest1, trpc1, rest100, trpc1000, frames (the bench's ingest loads,
 * bench/scenarios/ingest.ts), minimal (rest1 against the minimal server).
 * --profile: the servers run from source under Bun's CPU profiler.
 * --split: the server serves the API only (WORKERS_ENABLED=false) and a
 * second one, on the same Redis, runs the workers (its CPU shown as "workers").
 * --commands: Redis's calls and time per event for each command (INFO commandstats).
 */
import { readFileSync } from "node:fs";
import { startRedis, startServer } from "../lib/services.ts";
import { frameLoad, REST_BATCH_CLIENTS, REST_BATCH_SIZE, restIngest, SINGLE_CLIENTS, trpcBatch, trpcSingle } from "../scenarios/ingest.ts";
import { WorkerProcess } from "../lib/workers.ts";
import { join } from "node:path";

const [load = "rest1", secondsArg = "5"] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seconds = Number(secondsArg);
const split = process.argv.includes("--split");
const env = JSON.parse(flag("env") ?? "{}") as Record<string, string>;
if (flag("profile")) process.env.BENCH_PROFILE = flag("profile");

const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
};

await using redis = await startRedis();
let serverPid: number;
let base: string;
let stopServer: () => Promise<void>;
if (load === "minimal") {
  const worker = new WorkerProcess(join(import.meta.dir, "..", "workers", "minimal-server.ts"), { redisUrl: redis.url, stream: "bench:minimal" });
  base = String((await worker.next("ready", 30_000)).url);
  serverPid = (worker as unknown as { child: { pid: number } }).child?.pid ?? 0;
  stopServer = () => worker.stop();
} else {
  const server = await startServer({ JOURNAL_REDIS_URI: redis.url, ...env, ...(split ? { WORKERS_ENABLED: "false" } : {}) });
  serverPid = server.pid;
  base = server.url;
  stopServer = () => server.stop();
}
const beside = split ? await startServer({ JOURNAL_REDIS_URI: redis.url, ...env }) : undefined;
const timed = { quick: false, seconds };
const run = async () => {
  switch (load) {
    case "minimal": // it answers any path
    case "rest1":
      return restIngest(base, timed, 1, SINGLE_CLIENTS);
    case "trpc1":
      return trpcSingle(base, timed);
    case "rest100":
      return restIngest(base, timed, REST_BATCH_SIZE, REST_BATCH_CLIENTS);
    case "trpc1000":
      return trpcBatch(base, timed);
    case "frames":
      return frameLoad(base, timed);
    default:
      throw new Error(`unknown load ${load}`);
  }
};
const t0 = { s: serverPid ? ticks(serverPid) : 0, r: ticks(redis.pid), me: ticks(process.pid), w: beside ? ticks(beside.pid) : 0 };
const result = await run();
const t1 = { s: serverPid ? ticks(serverPid) : 0, r: ticks(redis.pid), me: ticks(process.pid), w: beside ? ticks(beside.pid) : 0 };
const events = result.events_per_s * (seconds + 1); // warm-up included in CPU: approximate by rate × (duration + warm-up)
const us = (d: number) => ((d * 10_000) / events).toFixed(1);
console.log(
  `${load}: ${result.events_per_s} ev/s, errors ${"errors" in result ? result.errors : result.failures}; CPU µs/event (≈): server ${us(t1.s - t0.s)}, redis ${us(t1.r - t0.r)}, load ${us(t1.me - t0.me)}${beside ? `, workers ${us(t1.w - t0.w)}` : ""}`,
);
if (process.argv.includes("--commands")) {
  // Redis's own count of each command over the run (INFO commandstats), per event.
  const stats = await new Response(Bun.spawn(["redis-cli", "-u", redis.url, "info", "commandstats"], { stdout: "pipe" }).stdout).text();
  for (const m of stats.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+),usec=(\d+)/gm)) {
    console.log(`  ${m[1]}: ${(Number(m[2]) / events).toFixed(3)} calls/event, ${(Number(m[3]) / events).toFixed(2)} µs/event in Redis`);
  }
}
await stopServer();
await beside?.stop();
