/**
 * The fanout floor: the least a server can do to deliver live events it
 * journals first, as ours does (an event is delivered only once it is in
 * the lobby's stream, so a reconnecting subscriber can resume from its id).
 * A bare `Bun.serve`:
 * - `POST /publish` XADDs the body's `data` to one stream (node-redis) and
 *   answers once Redis has it;
 * - one node-redis connection tails the stream (XREAD BLOCK) and, for each
 *   page of entries, serialises each entry once as `{id, ...fields}` and
 *   sends the same text to every WebSocket (`GET /ws`, one native topic,
 *   `server.publish`) and every SSE stream (`GET /sse`, the same bytes
 *   enqueued on each).
 * No routing, validation, authentication, subscriptions per lobby, backlog
 * or slow-subscriber handling. It tells the parent its URL once listening.
 */
import { createClient } from "redis";
import { toParent, workerArgs } from "../lib/workers.ts";

const { redisUrl, stream } = workerArgs<{ redisUrl: string; stream: string }>();
const writer = createClient({ url: redisUrl });
const tailer = createClient({ url: redisUrl });
await Promise.all([writer.connect(), tailer.connect()]);

const TOPIC = "lobby";
const sseStreams = new Set<ReadableStreamDefaultController<Uint8Array>>();
const encoder = new TextEncoder();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0, // SSE streams stay open between events
  async fetch(req, srv) {
    const { pathname } = new URL(req.url);
    if (pathname === "/ws" && srv.upgrade(req)) return undefined;
    if (pathname === "/publish" && req.method === "POST") {
      const { data } = (await req.json()) as { data: unknown };
      const id = await writer.xAdd(stream, "*", { type: "telemetry", data: JSON.stringify(data) });
      return Response.json({ id });
    }
    if (pathname === "/sse") {
      let self: ReadableStreamDefaultController<Uint8Array>;
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            self = controller;
            controller.enqueue(encoder.encode(": connected\n\n")); // the headers go out now
            sseStreams.add(controller);
          },
          cancel() {
            sseStreams.delete(self);
          },
        }),
        { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
      );
    }
    return new Response("not found", { status: 404 });
  },
  websocket: {
    open(ws) {
      ws.subscribe(TOPIC);
    },
    message() {},
  },
});

type Reply = Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }> | null;
let stopped = false;
void (async () => {
  let last = "$";
  while (!stopped) {
    const reply = (await tailer.xRead({ key: stream, id: last }, { BLOCK: 1_000, COUNT: 1_000 }).catch(() => null)) as Reply;
    for (const { messages } of reply ?? []) {
      for (const { id, message } of messages) {
        last = id;
        const text = `{"id":"${id}","type":"${message.type}","data":${message.data}}`;
        server.publish(TOPIC, text);
        if (sseStreams.size > 0) {
          const bytes = encoder.encode(`id: ${id}\ndata: ${text}\n\n`);
          for (const controller of sseStreams) controller.enqueue(bytes);
        }
      }
    }
  }
})();

process.on("SIGTERM", () => {
  stopped = true;
  void server.stop(true);
  writer.destroy();
  tailer.destroy();
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}` });
