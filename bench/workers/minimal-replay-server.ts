/**
 * The replay floor: the least a server between Redis and a WebSocket client
 * can do to replay a stream. A bare `Bun.serve` WebSocket that, asked for a
 * stream, reads it with node-redis XRANGE, 1,000 entries a page (reading the
 * next page while it sends one), and sends each page as one JSON message of
 * `{id, ...fields}` objects, then `{"done":true}`. No routing, validation,
 * subscriptions or live hand-over. It tells the parent its URL once listening.
 */
import { createClient } from "redis";
import { toParent, workerArgs } from "../lib/workers.ts";

const { redisUrl } = workerArgs<{ redisUrl: string }>();
const client = createClient({ url: redisUrl });
await client.connect();

type Page = Array<{ id: string; message: Record<string, string> }>;
const read = (stream: string, after: string) => client.xRange(stream, after, "+", { COUNT: 1_000 }) as Promise<Page>;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    if (srv.upgrade(req)) return undefined;
    return new Response("not found", { status: 404 });
  },
  websocket: {
    async message(ws, message) {
      const { stream } = JSON.parse(String(message)) as { stream: string };
      let next = read(stream, "-");
      for (;;) {
        const page = await next;
        if (page.length === 1_000) next = read(stream, `(${page[page.length - 1]!.id}`);
        if (page.length > 0) ws.send(JSON.stringify(page.map((m) => ({ id: m.id, ...m.message }))));
        if (page.length < 1_000) break;
      }
      ws.send('{"done":true}');
    },
  },
});

process.on("SIGTERM", () => {
  void server.stop(true);
  client.destroy();
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}` });
