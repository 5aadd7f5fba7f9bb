import type { BenchContext } from "../lib/context.ts";
import { batchEvent, playerActionInput } from "../lib/event.ts";
import { closedLoop, restPost, trpcMutation, type LoadResult } from "../lib/load.ts";
import { row, unavailable, type Baseline, type Figures, type Row } from "../lib/report.ts";
import { workersDrained } from "../lib/drain.ts";
import { startRedis, startServer } from "../lib/services.ts";
import { againstBareServer, nodeRedisXadd, redisBenchmarkXadd } from "./baselines.ts";
import { frameEnvelope, streamFrames, upgradeStatus } from "./frames.ts";

/**
 * Ingest through the server into Redis:
 * - single events (tRPC `journal.playerAction` and `POST
 *   /v1/journal/player-actions`, one event a call, many clients) beside a
 *   minimal Bun.serve + node-redis server doing one XADD per request under
 *   the same load (what any server on this stack pays per request);
 * - batches (tRPC `journal.appendBatch` ×1,000, REST ×100) beside
 *   redis-benchmark's pipelined XADD of the same event (the ceiling Redis
 *   itself sets) and pipelined XADD from a plain node-redis client in Bun;
 * - frames over `/v3/stream` in bytes/s beside redis-benchmark XADDing the
 *   same frame bytes;
 * - the single events and batches again against an API-only instance
 *   (`WORKERS_ENABLED=false`) with a second instance on the same Redis
 *   running the built-in workers: the deployment that keeps the API's one
 *   JavaScript thread for requests (both instances on this machine's cores).
 */
export const SINGLE_CLIENTS = 50;
export const BATCH_SIZE = 1_000;
export const BATCH_CLIENTS = 4;
export const REST_BATCH_SIZE = 100;
export const REST_BATCH_CLIENTS = 8;

export function figuresOf(r: { events_per_s: number; hist: LoadResult["hist"] }, extra: Figures = {}): Figures {
  return { events_per_s: r.events_per_s, ...r.hist.summaryMs(), calls: r.hist.count, ...extra };
}

/** How long a load runs: the run's seconds, after an uncounted warm-up. */
type Timing = Pick<BenchContext, "quick" | "seconds">;

function timing(ctx: Timing) {
  return { durationMs: ctx.seconds * 1000, warmupMs: ctx.quick ? 300 : 1_000 };
}

/** `journal.playerAction` over HTTP from SINGLE_CLIENTS callers, one event a call. */
export function trpcSingle(base: string, ctx: Timing): Promise<LoadResult> {
  const one = JSON.stringify(playerActionInput());
  return closedLoop({ concurrency: SINGLE_CLIENTS, ...timing(ctx) }, async () => {
    await trpcMutation(base, "journal.playerAction", one);
    return 1;
  });
}

/** `journal.appendBatch` over HTTP, BATCH_SIZE events a call, BATCH_CLIENTS callers. */
export function trpcBatch(base: string, ctx: Timing): Promise<LoadResult> {
  const body = JSON.stringify({ events: Array.from({ length: BATCH_SIZE }, batchEvent) });
  return closedLoop({ concurrency: BATCH_CLIENTS, ...timing(ctx) }, async () => {
    await trpcMutation(base, "journal.appendBatch", body);
    return BATCH_SIZE;
  });
}

/** `POST /v1/journal/player-actions` with `size` events a call (one: the object itself), from `clients` callers. */
export function restIngest(base: string, ctx: Timing, size: number, clients: number): Promise<LoadResult> {
  const body = JSON.stringify(size === 1 ? playerActionInput() : Array.from({ length: size }, playerActionInput));
  return closedLoop({ concurrency: clients, ...timing(ctx) }, async () => {
    await restPost(`${base}/v1/journal/player-actions`, body);
    return size;
  });
}

/** Frames over `/v3/stream` (or the same protocol at `base`): 4 connections, 64 frames in flight each. */
export function frameLoad(base: string, ctx: Timing) {
  return streamFrames(base, { connections: 4, window: 64, ...timing(ctx) });
}

/** The minimal server's single-event figures, as a baseline. */
export async function minimalBaseline(ctx: BenchContext): Promise<Baseline> {
  ctx.log(`ingest: minimal Bun.serve + node-redis XADD server, ${SINGLE_CLIENTS} clients`);
  const minimal = await againstBareServer(ctx, "minimal-server", (url) => restIngest(url, ctx, 1, SINGLE_CLIENTS), { stream: "bench:minimal-server" });
  return { name: "minimal Bun.serve + node-redis, 1 XADD/request", figures: figuresOf(minimal, { errors: minimal.errors }) };
}

export async function ingestScenario(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 200_000 : 1_000_000;
  ctx.log(`ingest: redis-benchmark XADD -P 32 -c 50 -n ${n}`);
  const ceiling: Baseline = { name: "redis-benchmark XADD -P 32 -c 50", figures: await redisBenchmarkXadd(ctx.redis.port, n) };
  ctx.log("ingest: node-redis pipelined XADD");
  const plain: Baseline = { name: "node-redis pipelined XADD", figures: await nodeRedisXadd(ctx.redis.url, ctx.quick ? 100_000 : 500_000) };
  const minimal = await minimalBaseline(ctx);
  ctx.log(`ingest: the minimal server reading every event back through a consumer group, ${SINGLE_CLIENTS} clients`);
  const readBackLoad = await againstBareServer(ctx, "minimal-server", (url) => restIngest(url, ctx, 1, SINGLE_CLIENTS), {
    stream: "bench:minimal-server-read-back",
    readBack: true,
  });
  const readBack: Baseline = { name: "the minimal server, also reading each event back (XREADGROUP + XACK)", figures: figuresOf(readBackLoad, { errors: readBackLoad.errors }) };
  const ofMinimal = (eps: number) => ({ text: "≥ 1.0× the minimal server", met: eps >= Number(minimal.figures.events_per_s) });
  const half = Number(ceiling.figures.events_per_s) / 2;
  const ofCeiling = (eps: number) => ({ text: "≥ ½ redis-benchmark", met: eps >= half });
  const rows: Row[] = [];

  await workersDrained(ctx.redis.url, ctx.log);
  ctx.log(`ingest: tRPC journal.playerAction, ${SINGLE_CLIENTS} clients`);
  const single = await trpcSingle(ctx.server.url, ctx);
  rows.push(
    row({
      scenario: "ingest",
      case: `tRPC journal.playerAction over HTTP, ${SINGLE_CLIENTS} clients, 1 event/call`,
      figures: figuresOf(single, { errors: single.errors }),
      baselines: [minimal, readBack, ceiling],
      compare: "events_per_s",
      target: ofMinimal(single.events_per_s),
    }),
  );
  await workersDrained(ctx.redis.url, ctx.log);
  ctx.log(`ingest: POST /v1/journal/player-actions, ${SINGLE_CLIENTS} clients`);
  const restSingle = await restIngest(ctx.server.url, ctx, 1, SINGLE_CLIENTS);
  rows.push(
    row({
      scenario: "ingest",
      case: `REST POST /v1/journal/player-actions, ${SINGLE_CLIENTS} clients, 1 event/call`,
      figures: figuresOf(restSingle, { errors: restSingle.errors }),
      baselines: [minimal, readBack, ceiling],
      compare: "events_per_s",
      target: ofMinimal(restSingle.events_per_s),
    }),
  );

  await workersDrained(ctx.redis.url, ctx.log);
  ctx.log(`ingest: the minimal server, batches of ${BATCH_SIZE} and of ${REST_BATCH_SIZE}`);
  const minimalBatch = await againstBareServer(ctx, "minimal-server", (url) => trpcBatch(url, ctx), { stream: "bench:minimal-server" });
  const minimalRestBatch = await againstBareServer(ctx, "minimal-server", (url) => restIngest(url, ctx, REST_BATCH_SIZE, REST_BATCH_CLIENTS), { stream: "bench:minimal-server" });
  const batchFloor: Baseline = { name: `the minimal server, a pipelined XADD per event, ${BATCH_SIZE}/call`, figures: figuresOf(minimalBatch) };
  const restBatchFloor: Baseline = { name: `the minimal server, a pipelined XADD per event, ${REST_BATCH_SIZE}/call`, figures: figuresOf(minimalRestBatch) };

  await workersDrained(ctx.redis.url, ctx.log);
  ctx.log(`ingest: tRPC journal.appendBatch ×${BATCH_SIZE}, ${BATCH_CLIENTS} clients`);
  const batch = await trpcBatch(ctx.server.url, ctx);
  rows.push(
    row({
      scenario: "ingest",
      case: `tRPC journal.appendBatch over HTTP, ${BATCH_CLIENTS} clients, ${BATCH_SIZE} events/call`,
      figures: figuresOf(batch, { errors: batch.errors }),
      baselines: [ceiling, plain, batchFloor],
      compare: "events_per_s",
      target: ofCeiling(batch.events_per_s),
    }),
  );
  await workersDrained(ctx.redis.url, ctx.log);
  ctx.log(`ingest: POST /v1/journal/player-actions ×${REST_BATCH_SIZE}, ${REST_BATCH_CLIENTS} clients`);
  const restBatch = await restIngest(ctx.server.url, ctx, REST_BATCH_SIZE, REST_BATCH_CLIENTS);
  rows.push(
    row({
      scenario: "ingest",
      case: `REST POST /v1/journal/player-actions, ${REST_BATCH_CLIENTS} clients, ${REST_BATCH_SIZE} events/call`,
      figures: figuresOf(restBatch, { errors: restBatch.errors }),
      baselines: [ceiling, plain, restBatchFloor],
      compare: "events_per_s",
      target: ofCeiling(restBatch.events_per_s),
    }),
  );

  rows.push(...(await splitRows(ctx, minimal, ceiling, plain, ofMinimal, ofCeiling)));

  const frameCase = "frames over /v3/stream, 4 connections × 64 in flight, 1 frame/message";
  const status = await upgradeStatus(ctx.server.url, "/v3/stream?token=x").catch(() => 0);
  if (status === 404) {
    rows.push(unavailable("ingest", frameCase, "this server answers 404 to the /v3/stream upgrade"));
    return rows;
  }
  const frame = frameEnvelope(0);
  const frameBytes = Buffer.byteLength(frame);
  ctx.log(`ingest: redis-benchmark XADD of one ${frameBytes}-byte field`);
  const frameCeiling = await redisBenchmarkXadd(ctx.redis.port, ctx.quick ? 100_000 : 400_000, "bench:redis-benchmark-frames", ["frame", frame]);
  const frameBaseline: Baseline = {
    name: `redis-benchmark XADD -P 32 -c 50 of the ${frameBytes}-byte frame`,
    figures: { ...frameCeiling, bytes_per_s: Number(frameCeiling.events_per_s) * frameBytes },
  };
  ctx.log("ingest: frames over a minimal Bun WebSocket + node-redis + bun:sqlite pipeline");
  const floor = await againstBareServer(ctx, "minimal-frame-server", (url) => frameLoad(url, ctx));
  const floorBaseline: Baseline = {
    name: "minimal Bun WebSocket server: 2 XADDs a frame, read back by a consumer group into bun:sqlite",
    figures: { events_per_s: floor.events_per_s, bytes_per_s: floor.events_per_s * floor.frameBytes, ...floor.hist.summaryMs(), failures: floor.failures },
  };
  await workersDrained(ctx.redis.url, ctx.log);
  ctx.log("ingest: frames over /v3/stream");
  const frames = await frameLoad(ctx.server.url, ctx);
  const bytesPerS = frames.events_per_s * frames.frameBytes;
  rows.push(
    row({
      scenario: "ingest",
      case: frameCase,
      figures: figuresOf(frames, { bytes_per_s: bytesPerS, failures: frames.failures, frame_bytes: frames.frameBytes }),
      baselines: [frameBaseline, floorBaseline],
      compare: "bytes_per_s",
      target: { text: "≥ 0.3× redis-benchmark in bytes/s", met: bytesPerS >= 0.3 * Number(frameBaseline.figures.bytes_per_s) },
      notes: frames.firstFailure ? [`first failure: ${frames.firstFailure}`] : [],
    }),
  );
  return rows;
}

type Target = (eps: number) => { text: string; met: boolean };

/** The single-event and batch loads against an API-only instance, its workers in a second instance on the same Redis. */
async function splitRows(ctx: BenchContext, minimal: Baseline, ceiling: Baseline, plain: Baseline, ofMinimal: Target, ofCeiling: Target): Promise<Row[]> {
  // A Redis of their own: the run's server keeps its workers on the run's Redis.
  await using redis = await startRedis();
  const env = { JOURNAL_REDIS_URI: redis.url };
  await using api = await startServer({ ...env, WORKERS_ENABLED: "false" });
  await using _workers = await startServer(env);
  const where = "API-only instance (WORKERS_ENABLED=false), workers in a second instance";
  const loads: Array<{ name: string; run: () => Promise<LoadResult>; baselines: Baseline[]; target: Target }> = [
    { name: `tRPC journal.playerAction, ${SINGLE_CLIENTS} clients, 1 event/call`, run: () => trpcSingle(api.url, ctx), baselines: [minimal], target: ofMinimal },
    { name: `REST POST /v1/journal/player-actions, ${SINGLE_CLIENTS} clients, 1 event/call`, run: () => restIngest(api.url, ctx, 1, SINGLE_CLIENTS), baselines: [minimal], target: ofMinimal },
    { name: `tRPC journal.appendBatch, ${BATCH_CLIENTS} clients, ${BATCH_SIZE} events/call`, run: () => trpcBatch(api.url, ctx), baselines: [ceiling, plain], target: ofCeiling },
    {
      name: `REST POST /v1/journal/player-actions, ${REST_BATCH_CLIENTS} clients, ${REST_BATCH_SIZE} events/call`,
      run: () => restIngest(api.url, ctx, REST_BATCH_SIZE, REST_BATCH_CLIENTS),
      baselines: [ceiling, plain],
      target: ofCeiling,
    },
  ];
  const rows: Row[] = [];
  for (const load of loads) {
    await workersDrained(redis.url, ctx.log);
    ctx.log(`ingest (${where}): ${load.name}`);
    const result = await load.run();
    rows.push(
      row({
        scenario: "ingest",
        case: `${load.name}; ${where}`,
        figures: figuresOf(result, { errors: result.errors }),
        baselines: load.baselines,
        compare: "events_per_s",
        target: load.target(result.events_per_s),
      }),
    );
  }
  return rows;
}
