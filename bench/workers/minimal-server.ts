/**
 * The single-event ingest baseline: the least a server can do for
 * `journal.playerAction`. A bare `Bun.serve` that parses the same JSON body
 * and does one node-redis `XADD` of the same six fields per request, and
 * answers `{"ids":[id]}`. No routing, validation, limits, idempotency,
 * metrics or workers. It runs in its own process, as the server does, and
 * tells the parent its URL once listening.
 *
 * A body that is an array of such events, or `{events: [...]}` as
 * `journal.appendBatch` takes them, is a batch: one XADD per event, all
 * issued at once (node-redis pipelines them), answered with every id.
 *
 * With `readBack`, the same process also reads every event back through a
 * consumer group (XREADGROUP, 500 a read, then XACK), doing nothing with
 * it: the least the built-in workers' reading costs on this stack.
 */
import { createClient } from "redis";
import { toParent, workerArgs } from "../lib/workers.ts";

const { redisUrl, stream, readBack } = workerArgs<{ redisUrl: string; stream: string; readBack?: boolean }>();
const client = createClient({ url: redisUrl });
await client.connect();

interface Event {
  action?: string;
  type?: string;
  user_id: string;
  session_id: string;
  match_id: string;
  data: unknown;
}

let reading = true;
if (readBack) {
  const reader = client.duplicate();
  await reader.connect();
  await client.xGroupCreate(stream, "read-back", "$", { MKSTREAM: true }).catch(() => {});
  void (async () => {
    while (reading) {
      const reply = (await reader.xReadGroup("read-back", "c1", { key: stream, id: ">" }, { COUNT: 500, BLOCK: 100 }).catch(() => null)) as Array<{
        messages: Array<{ id: string }>;
      }> | null;
      const ids = reply?.[0]?.messages.map((m) => m.id) ?? [];
      if (ids.length > 0) await reader.xAck(stream, "read-back", ids);
    }
  })();
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const body = (await req.json()) as Event | Event[] | { events: Event[] };
    // A batch (an array, or `{events}` as journal.appendBatch takes it): one XADD per event, pipelined by node-redis.
    const events = Array.isArray(body) ? body : "events" in body ? body.events : [body];
    const ids = await Promise.all(
      events.map((e) =>
        client.xAdd(stream, "*", {
          type: e.action ?? e.type ?? "",
          ts: String(Date.now()),
          user_id: e.user_id,
          session_id: e.session_id,
          match_id: e.match_id,
          data: JSON.stringify(e.data),
        }),
      ),
    );
    return Response.json({ ids });
  },
});

process.on("SIGTERM", () => {
  reading = false;
  void server.stop(true);
  client.destroy();
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}` });
