/**
 * A bench worker holding `count` live subscribers of one lobby, in its own
 * process so the server's CPU and memory are its own:
 * - mode "trpc": WebSockets to the server's `/trpc`, each with a
 *   `telemetry.lobby` subscription;
 * - mode "redis": node-redis clients SUBSCRIBEd to a channel (the baseline).
 * Each received event's publish time (`"t":<µs>` on the shared clock) gives
 * its publish-to-receive latency; warm-up events (`"warm":true`) only mark a
 * subscriber as primed. The parent talks to it over IPC (see lib/workers.ts).
 */
import { createClient } from "redis";
import { nowUs } from "../lib/clock.ts";
import { Histogram } from "../lib/histogram.ts";
import { TrpcSocket } from "../lib/trpc-ws.ts";
import { toParent, workerArgs } from "../lib/workers.ts";

interface Args {
  mode: "trpc" | "redis";
  url: string;
  /** Lobby (trpc) or channel (redis). */
  topic: string;
  count: number;
}

const { mode, url, topic, count } = workerArgs<Args>();
let hist = new Histogram();
let received = 0;
let primedCount = 0;
const primed = new Uint8Array(count);
const closes = new Map<string, number>();
const keep: Array<{ close(): void }> = [];

function onEvent(i: number, text: string): void {
  if (text.includes('"warm":true')) {
    if (primed[i] === 0) {
      primed[i] = 1;
      if (++primedCount === count) toParent({ type: "primed" });
    }
    return;
  }
  const at = text.indexOf('"t":');
  if (at < 0) return;
  hist.record(nowUs() - parseFloat(text.slice(at + 4, at + 30)));
  received++;
}

async function connect(i: number): Promise<void> {
  if (mode === "trpc") {
    const socket = await TrpcSocket.open(url);
    await socket.subscribe("telemetry.lobby", { lobbyId: topic }, (text) => onEvent(i, text));
    keep.push({
      close: () => socket.close(),
    });
    const watch = setInterval(() => {
      if (!socket.closed) return;
      clearInterval(watch);
      const key = `${socket.closed.code} ${socket.closed.reason}`.slice(0, 80);
      closes.set(key, (closes.get(key) ?? 0) + 1);
    }, 500);
    watch.unref();
  } else {
    const client = createClient({ url });
    client.on("error", () => {});
    await client.connect();
    await client.subscribe(topic, (message) => onEvent(i, message));
    keep.push({ close: () => client.destroy() });
  }
}

process.on("message", (msg: { cmd: string }) => {
  if (msg.cmd === "count") toParent({ type: "count", received });
  if (msg.cmd === "collect") {
    toParent({ type: "result", hist: hist.toJSON(), received, closes: Object.fromEntries(closes) });
    hist = new Histogram();
    received = 0;
  }
});
process.on("SIGTERM", () => {
  for (const k of keep) k.close();
  process.exit(0);
});

try {
  // Connect in waves: ten thousand handshakes at once overflow the listen backlog.
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => connect(i + j)));
  }
  toParent({ type: "ready", connected: keep.length });
} catch (error) {
  toParent({ type: "error", message: (error as Error).message });
  process.exit(1);
}
