import { toLobbyStream } from "@gamejournal/shared";
import { createClient } from "redis";
import type { BenchContext } from "../lib/context.ts";
import { telemetryData } from "../lib/event.ts";
import { row, type Row } from "../lib/report.ts";
import { TrpcSocket } from "../lib/trpc-ws.ts";
import { againstBareServer } from "./baselines.ts";

/** Replays `stream` from a bare server at `url` (one JSON message a page, then `{"done":true}`), parsing each page; events/s. */
async function bareReplay(url: string, stream: string, count: number): Promise<number> {
  const ws = new WebSocket(url.replace(/^http/, "ws"));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("minimal replay server: connection failed"));
  });
  let received = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    ws.onmessage = (event) => {
      const page = JSON.parse(String(event.data)) as unknown[] | { done: true };
      if (Array.isArray(page)) received += page.length;
      else resolve();
    };
    ws.send(JSON.stringify({ stream }));
  });
  ws.close();
  if (received !== count) throw new Error(`minimal replay server: ${received} of ${count} events`);
  return Math.round(count / ((performance.now() - t0) / 1000));
}

/** Fills a stream with `count` telemetry entries in the server's field layout, inside Redis (a Lua loop, 50,000 a call). */
const FILL = `
for i = 1, tonumber(ARGV[1]) do
  redis.call('XADD', KEYS[1], '*', 'type', 'telemetry', 'ts', ARGV[2], 'lobby_id', ARGV[3], 'mode', '22', 'data', ARGV[4])
end
return redis.call('XLEN', KEYS[1])`;

export async function replayScenario(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.quick ? 200_000 : 1_000_000;
  const lobby = `bench-replay-${Date.now()}`;
  const stream = toLobbyStream(lobby);
  const client = createClient({ url: ctx.redis.url });
  await client.connect();
  try {
    ctx.log(`replay: filling ${stream} with ${count.toLocaleString("en-US")} events`);
    const data = JSON.stringify(telemetryData(0, 0));
    for (let n = 0; n < count; n += 50_000) {
      await client.eval(FILL, { keys: [stream], arguments: [String(Math.min(50_000, count - n)), String(Date.now()), lobby, data] });
    }

    ctx.log("replay: XRANGE paging from node-redis");
    let t0 = performance.now();
    let read = 0;
    let after = "-";
    for (;;) {
      const page = (await client.xRange(stream, after, "+", { COUNT: 1_000 })) ?? [];
      read += page.length;
      if (page.length < 1_000) break;
      after = `(${page[page.length - 1]!.id}`;
    }
    const baseline = { events_per_s: Math.round(read / ((performance.now() - t0) / 1000)), events: read };

    ctx.log("replay: through a minimal Bun WebSocket server paging with node-redis");
    const floor = { events_per_s: await againstBareServer(ctx, "minimal-replay-server", (url) => bareReplay(url, stream, count)), events: count };

    ctx.log("replay: telemetry.lobby from 0-0 over WebSocket");
    const socket = await TrpcSocket.open(ctx.server.url, { pages: true });
    let received = 0;
    t0 = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`replay: ${received} of ${count} events after 120 s`)), 120_000);
      void socket
        .subscribe("telemetry.lobby", { lobbyId: lobby, lastEventId: "0-0" }, () => {
          if (++received === count) {
            clearTimeout(timer);
            resolve();
          }
        })
        .catch(reject);
    });
    await done;
    const seconds = (performance.now() - t0) / 1000;
    socket.close();
    const ours = { events_per_s: Math.round(count / seconds), events: count, seconds: Math.round(seconds * 100) / 100 };
    return [
      row({
        scenario: "replay",
        case: `resume from 0-0 over a ${count.toLocaleString("en-US")}-event lobby stream${ctx.quick ? " (quick: full runs 1,000,000)" : ""}`,
        figures: ours,
        baselines: [
          { name: "node-redis XRANGE paging, 1,000/page", figures: baseline },
          { name: "a minimal Bun WebSocket server paging with node-redis, a JSON message a page", figures: floor },
        ],
        compare: "events_per_s",
        target: { text: "≥ 1.0× node-redis XRANGE paging", met: ours.events_per_s >= baseline.events_per_s },
      }),
    ];
  } finally {
    await client.del(stream).catch(() => 0);
    client.destroy();
  }
}
