import type { BenchContext } from "../lib/context.ts";
import { batchEvent, playerActionInput } from "../lib/event.ts";
import { closedLoop, trpcMutation, type LoadResult } from "../lib/load.ts";
import { row, unavailable, type Baseline, type Figures, type Row } from "../lib/report.ts";
import { nodeRedisXadd, redisBenchmarkXadd } from "./baselines.ts";
import { streamFrames, upgradeStatus } from "./frames.ts";

/**
 * Ingest through the server into Redis, three ways (single-event tRPC
 * mutations from many clients, `journal.appendBatch`, frames over
 * `/v3/stream`), each beside redis-benchmark's pipelined XADD of the same
 * event (the ceiling Redis itself sets) and pipelined XADD from a plain
 * node-redis client in Bun.
 */
export const SINGLE_CLIENTS = 50;
export const BATCH_SIZE = 1_000;
export const BATCH_CLIENTS = 4;

export function figuresOf(r: { events_per_s: number; hist: LoadResult["hist"] }, extra: Figures = {}): Figures {
  return { events_per_s: r.events_per_s, ...r.hist.summaryMs(), calls: r.hist.count, ...extra };
}

/** Load cases shared with the embedded scenario: single playerAction mutations and 1,000-event batches over HTTP. */
export async function trpcIngest(base: string, ctx: BenchContext): Promise<{ single: LoadResult; batch: LoadResult }> {
  const timing = { durationMs: ctx.seconds * 1000, warmupMs: ctx.quick ? 300 : 1_000 };
  const one = JSON.stringify(playerActionInput());
  const single = await closedLoop({ concurrency: SINGLE_CLIENTS, ...timing }, async () => {
    await trpcMutation(base, "journal.playerAction", one);
    return 1;
  });
  const batchBody = JSON.stringify({ events: Array.from({ length: BATCH_SIZE }, batchEvent) });
  const batch = await closedLoop({ concurrency: BATCH_CLIENTS, ...timing }, async () => {
    await trpcMutation(base, "journal.appendBatch", batchBody);
    return BATCH_SIZE;
  });
  return { single, batch };
}

export async function ingestScenario(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 200_000 : 1_000_000;
  ctx.log(`ingest: redis-benchmark XADD -P 32 -c 50 -n ${n}`);
  const ceiling: Baseline = { name: "redis-benchmark XADD -P 32 -c 50", figures: await redisBenchmarkXadd(ctx.redis.port, n) };
  ctx.log("ingest: node-redis pipelined XADD");
  const plain: Baseline = { name: "node-redis pipelined XADD", figures: await nodeRedisXadd(ctx.redis.url, ctx.quick ? 100_000 : 500_000) };
  const baselines = [ceiling, plain];
  const half = Number(ceiling.figures.events_per_s) / 2;
  const target = (eps: number) => ({ text: "≥ ½ redis-benchmark", met: eps >= half });

  ctx.log(`ingest: tRPC journal.playerAction, ${SINGLE_CLIENTS} clients; journal.appendBatch ×${BATCH_SIZE}, ${BATCH_CLIENTS} clients`);
  const { single, batch } = await trpcIngest(ctx.server.url, ctx);
  const rows = [
    row({
      scenario: "ingest",
      case: `tRPC journal.playerAction over HTTP, ${SINGLE_CLIENTS} clients, 1 event/call`,
      figures: figuresOf(single, { errors: single.errors }),
      baselines,
      compare: "events_per_s",
      target: target(single.events_per_s),
    }),
    row({
      scenario: "ingest",
      case: `tRPC journal.appendBatch over HTTP, ${BATCH_CLIENTS} clients, ${BATCH_SIZE} events/call`,
      figures: figuresOf(batch, { errors: batch.errors }),
      baselines,
      compare: "events_per_s",
      target: target(batch.events_per_s),
    }),
  ];

  const frameCase = "frames over /v3/stream, 4 connections × 64 in flight, 1 frame/message";
  const status = await upgradeStatus(ctx.server.url, "/v3/stream?token=x").catch(() => 0);
  if (status === 404) {
    rows.push(unavailable("ingest", frameCase, "this server answers 404 to the /v3/stream upgrade"));
  } else {
    ctx.log("ingest: frames over /v3/stream");
    const frames = await streamFrames(ctx.server.url, { connections: 4, window: 64, durationMs: ctx.seconds * 1000, warmupMs: ctx.quick ? 300 : 1_000 });
    rows.push(
      row({
        scenario: "ingest",
        case: frameCase,
        figures: figuresOf(frames, { failures: frames.failures, frame_bytes: frames.frameBytes }),
        baselines,
        compare: "events_per_s",
        target: target(frames.events_per_s),
        notes: frames.firstFailure ? [`first failure: ${frames.firstFailure}`] : [],
      }),
    );
  }
  return rows;
}
