import { createClient } from "redis";
import { nowUs } from "../lib/clock.ts";
import type { BenchContext } from "../lib/context.ts";
import { telemetryData } from "../lib/event.ts";
import { Histogram, type HistogramData } from "../lib/histogram.ts";
import { row, type Figures, type Row } from "../lib/report.ts";
import { TrpcSocket } from "../lib/trpc-ws.ts";
import { shares, WorkerProcess } from "../lib/workers.ts";
import { againstBareServer } from "./baselines.ts";

/**
 * Fanout: one publisher broadcasting to one lobby at a fixed rate, N
 * subscribers in worker processes: tRPC `telemetry.lobby` over WebSocket,
 * the same subscription over SSE, or the lobby stream's plain SSE route;
 * publish-to-receive latency from the publisher's send to each subscriber's
 * receipt, on the machine-wide clock. Baseline: Redis PUBLISH of the same
 * payload to N node-redis subscribers in the same number of processes; and,
 * for the cases with a target not met before, the floor: the minimal fanout
 * server, which journals each event to a stream and delivers what it tails.
 */
const SUBSCRIBER = new URL("../workers/subscriber.ts", import.meta.url).pathname;
const PER_WORKER = 250;
/** An SSE subscriber is a fetch of its own; Bun's fetch runs at most 256 at once per process. */
const SSE_PER_WORKER = 100;

export type FanoutMode = "trpc" | "sse-trpc" | "sse-plain" | "redis" | "bare-ws" | "bare-sse";

interface Publisher {
  publish(data: Record<string, unknown>): void;
  /** Resolves once every publish was answered; the number that failed. */
  settle(): Promise<number>;
  close(): Promise<void>;
}

/** A publisher that fires `send` without waiting, and on `settle` waits for every send and counts failures. */
function firingPublisher(send: (data: Record<string, unknown>) => Promise<unknown>, close: () => void): Publisher {
  const inFlight = new Set<Promise<unknown>>();
  let failed = 0;
  return {
    publish(data) {
      const p = send(data).catch(() => void failed++);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
    async settle() {
      await Promise.all(inFlight);
      return failed;
    },
    async close() {
      close();
    },
  };
}

async function serverPublisher(base: string, lobbyId: string): Promise<Publisher> {
  const socket = await TrpcSocket.open(base);
  return firingPublisher((data) => socket.mutate("telemetry.broadcast", { lobbyId, data }), () => socket.close());
}

/** Publishes to the minimal fanout server: a POST of `{data}` answered once the event is in its stream. */
function barePublisher(url: string): Publisher {
  return firingPublisher(
    async (data) => {
      const res = await fetch(`${url}/publish`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data }) });
      if (!res.ok) throw new Error(`publish: HTTP ${res.status}`);
      await res.arrayBuffer();
    },
    () => {},
  );
}

async function redisPublisher(url: string, channel: string): Promise<Publisher> {
  const client = createClient({ url });
  await client.connect();
  let seq = 0;
  return firingPublisher(
    (data) => {
      // The same object a gamejournal subscriber receives inside its tRPC envelope.
      const event = { type: "telemetry", lobby_id: channel, ts: Date.now(), data, mode: 22, id: `${Date.now()}-${seq++}` };
      return client.publish(channel, JSON.stringify(event));
    },
    () => client.destroy(),
  );
}

/** Publishes `count` events at `rate`/s on an absolute schedule, stamping each with its actual send time. */
async function publishAt(publisher: Publisher, rate: number, count: number, warm: boolean): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (sent < due) publisher.publish(telemetryData(sent++, nowUs(), warm));
    await Bun.sleep(1);
  }
}

export interface FanoutFigures extends Figures {
  events_per_s: number;
  lost: number;
}

/** One fanout run: `subscribers` in workers, `rate` events/s for `seconds`; the bare modes against the minimal fanout server at `bareUrl`. */
export async function fanout(mode: FanoutMode, ctx: BenchContext, subscribers: number, rate: number, seconds: number, bareUrl = ""): Promise<FanoutFigures> {
  const topic = `bench-fanout-${mode}-${subscribers}-${Date.now()}`;
  const bare = mode.startsWith("bare");
  const url = mode === "redis" ? ctx.redis.url : bare ? bareUrl : ctx.server.url;
  const perWorker = mode.includes("sse") ? SSE_PER_WORKER : PER_WORKER;
  const workers = shares(subscribers, Math.ceil(subscribers / perWorker)).map((count) => new WorkerProcess(SUBSCRIBER, { mode, url, topic, count }));
  const publisher = mode === "redis" ? await redisPublisher(ctx.redis.url, topic) : bare ? barePublisher(bareUrl) : await serverPublisher(ctx.server.url, topic);
  try {
    await Promise.all(workers.map((w) => w.next("ready", 120_000)));
    // Warm up until every subscriber has an event: feeds are live, JITs are warm.
    const primed = Promise.all(workers.map((w) => w.next("primed", 60_000)));
    let warm = true;
    void primed.finally(() => (warm = false));
    while (warm) await publishAt(publisher, rate, Math.ceil(rate / 4), true);
    await primed;
    await Bun.sleep(200);

    const count = Math.round(rate * seconds);
    const t0 = performance.now();
    await publishAt(publisher, rate, count, false);
    const publishSeconds = (performance.now() - t0) / 1000;
    const failed = await publisher.settle();
    const expected = (count - failed) * subscribers;
    // Wait for the stragglers: until everything arrived, or nothing more for two seconds.
    let last = -1;
    let stableSince = performance.now();
    for (;;) {
      const counts = await Promise.all(workers.map(async (w) => (w.send({ type: "cmd", cmd: "count" }), Number((await w.next("count")).received))));
      const total = counts.reduce((a, b) => a + b, 0);
      if (total >= expected) break;
      if (total !== last) (last = total), (stableSince = performance.now());
      else if (performance.now() - stableSince > 2_000) break;
      await Bun.sleep(50);
    }
    const hist = new Histogram();
    let received = 0;
    const closes: Record<string, number> = {};
    for (const w of workers) {
      w.send({ type: "cmd", cmd: "collect" });
      const r = await w.next("result");
      hist.merge(r.hist as HistogramData);
      received += Number(r.received);
      for (const [k, v] of Object.entries(r.closes as Record<string, number>)) closes[k] = (closes[k] ?? 0) + v;
    }
    const closed = Object.entries(closes).map(([k, v]) => `${v}× ${k}`).join("; ");
    return {
      events_per_s: Math.round(count / publishSeconds),
      ...hist.summaryMs(),
      deliveries: received,
      lost: expected - received,
      publish_failures: failed,
      ...(closed ? { closed } : {}),
    };
  } finally {
    await publisher.close();
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The same load against the minimal fanout server (bench/workers/minimal-fanout-server.ts): the floor of a journal-first fanout on this stack. */
function bareFanout(mode: "bare-ws" | "bare-sse", ctx: BenchContext, subscribers: number, rate: number, seconds: number): Promise<FanoutFigures> {
  return againstBareServer(ctx, "minimal-fanout-server", (url) => fanout(mode, ctx, subscribers, rate, seconds, url), { stream: `bench:fanout:${mode}:${Date.now()}` });
}

/** Our p99 within `factor` × Redis's, with nothing lost. */
function p99Target(ours: FanoutFigures, redis: FanoutFigures, factor: number) {
  return { text: `p99 ≤ ${factor}× Redis pub/sub p99`, met: ours.lost === 0 && Number(ours.p99_ms) <= factor * Number(redis.p99_ms) };
}

function lostNotes(ours: FanoutFigures): string[] {
  return ours.lost > 0 ? [`${ours.lost} deliveries missing${ours.closed ? ` (${ours.closed})` : ""}`] : [];
}

export async function fanoutScenario(ctx: BenchContext): Promise<Row[]> {
  const rate = 1_000;
  const seconds = ctx.quick ? 2 : 8;
  const rows: Row[] = [];
  for (const subscribers of [100, 1_000]) {
    ctx.log(`fanout: ${subscribers} subscribers at ${rate} events/s, gamejournal`);
    const ours = await fanout("trpc", ctx, subscribers, rate, seconds);
    ctx.log(`fanout: ${subscribers} subscribers at ${rate} events/s, Redis pub/sub`);
    const redis = await fanout("redis", ctx, subscribers, rate, seconds);
    ctx.log(`fanout: ${subscribers} subscribers at ${rate} events/s, the minimal fanout server`);
    const floor = await bareFanout("bare-ws", ctx, subscribers, rate, seconds);
    rows.push(
      row({
        scenario: "fanout",
        case: `${subscribers} WebSocket subscribers of one lobby, ${rate} events/s for ${seconds} s, publish→receive`,
        figures: ours,
        baselines: [
          { name: `Redis PUBLISH to ${subscribers} node-redis subscribers`, figures: redis },
          { name: `a minimal Bun server: XADD each event, an XREAD tail publishing it to ${subscribers} WebSockets on a native topic`, figures: floor },
        ],
        compare: "p99_ms",
        target: p99Target(ours, redis, subscribers === 1_000 ? 1.5 : 1.2),
        notes: lostNotes(ours),
      }),
    );
  }

  // SSE: 200 subscribers of one lobby at 300 events/s, over tRPC's SSE and over the plain route.
  const sseSubscribers = 200;
  const sseRate = 300;
  ctx.log(`fanout: ${sseSubscribers} subscribers at ${sseRate} events/s, Redis pub/sub`);
  const redis = await fanout("redis", ctx, sseSubscribers, sseRate, seconds);
  const redisBaseline = { name: `Redis PUBLISH to ${sseSubscribers} node-redis subscribers`, figures: redis };
  ctx.log(`fanout: ${sseSubscribers} SSE subscribers at ${sseRate} events/s, the minimal fanout server`);
  const floor = { name: `a minimal Bun server: XADD each event, an XREAD tail writing it to ${sseSubscribers} SSE streams`, figures: await bareFanout("bare-sse", ctx, sseSubscribers, sseRate, seconds) };
  for (const [mode, what] of [
    ["sse-trpc", "tRPC telemetry.lobby SSE subscribers"],
    ["sse-plain", "plain SSE subscribers (GET /v1/journal/lobby:{id}:events/live)"],
  ] as const) {
    ctx.log(`fanout: ${sseSubscribers} ${mode} subscribers at ${sseRate} events/s, gamejournal`);
    const ours = await fanout(mode, ctx, sseSubscribers, sseRate, seconds);
    rows.push(
      row({
        scenario: "fanout",
        case: `${sseSubscribers} ${what} of one lobby, ${sseRate} events/s for ${seconds} s, publish→receive`,
        figures: ours,
        baselines: [redisBaseline, floor],
        compare: "p99_ms",
        target: p99Target(ours, redis, 1.5),
        notes: lostNotes(ours),
      }),
    );
  }
  return rows;
}
