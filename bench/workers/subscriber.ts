/**
 * A bench worker holding `count` live subscribers of one lobby, in its own
 * process so the server's CPU and memory are its own:
 * - mode "trpc": WebSockets to the server's `/trpc`, each with a
 *   `telemetry.lobby` subscription;
 * - mode "sse-trpc": tRPC `telemetry.lobby` subscriptions over SSE
 *   (`GET /trpc/telemetry.lobby?input=…`, what `httpSubscriptionLink` opens);
 * - mode "sse-plain": the plain SSE route of the lobby's stream
 *   (`GET /v1/journal/lobby:{<id>}:events/live`, what an EventSource opens);
 * - mode "redis": node-redis clients SUBSCRIBEd to a channel (the baseline);
 * - modes "bare-ws" and "bare-sse": WebSockets (`/ws`) or SSE streams
 *   (`/sse`) of the minimal fanout server (bench/workers/minimal-fanout-server.ts).
 * Each received event's publish time (`"t":<µs>` on the shared clock) gives
 * its publish-to-receive latency; warm-up events (`"warm":true`) only mark a
 * subscriber as primed. The parent talks to it over IPC (see lib/workers.ts).
 */
import { toLobbyStream } from "@gamejournal/shared";
import { createClient } from "redis";
import { nowUs } from "../lib/clock.ts";
import { Histogram } from "../lib/histogram.ts";
import { TrpcSocket } from "../lib/trpc-ws.ts";
import { toParent, workerArgs } from "../lib/workers.ts";

interface Args {
  mode: "trpc" | "sse-trpc" | "sse-plain" | "redis" | "bare-ws" | "bare-sse";
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

function noteClose(reason: string): void {
  const key = reason.slice(0, 80);
  closes.set(key, (closes.get(key) ?? 0) + 1);
}

/** An SSE stream read as a browser's EventSource would: each event's `data` line to `onEvent`. */
async function sse(i: number, href: string): Promise<void> {
  const abort = new AbortController();
  const res = await fetch(href, { headers: { accept: "text/event-stream" }, signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`SSE ${href}: HTTP ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  keep.push({ close: () => abort.abort() });
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const at = block.indexOf("data: ");
          if (at >= 0) onEvent(i, block.slice(at + 6));
        }
      }
      noteClose("stream ended");
    } catch (error) {
      if (!abort.signal.aborted) noteClose((error as Error).message);
    }
  })();
}

async function connect(i: number): Promise<void> {
  if (mode === "sse-trpc") {
    await sse(i, `${url}/trpc/telemetry.lobby?input=${encodeURIComponent(JSON.stringify({ lobbyId: topic }))}`);
  } else if (mode === "sse-plain") {
    await sse(i, `${url}/v1/journal/${encodeURIComponent(toLobbyStream(topic))}/live`);
  } else if (mode === "bare-sse") {
    await sse(i, `${url}/sse`);
  } else if (mode === "bare-ws") {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/ws`);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`WebSocket ${url}/ws failed`));
    });
    socket.onmessage = (message) => onEvent(i, message.data as string);
    socket.onclose = (event) => noteClose(`${event.code} ${event.reason}`);
    keep.push({ close: () => socket.close() });
  } else if (mode === "trpc") {
    const socket = await TrpcSocket.open(url);
    await socket.subscribe("telemetry.lobby", { lobbyId: topic }, (text) => onEvent(i, text as string));
    keep.push({
      close: () => socket.close(),
    });
    const watch = setInterval(() => {
      if (!socket.closed) return;
      clearInterval(watch);
      noteClose(`${socket.closed.code} ${socket.closed.reason}`);
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
