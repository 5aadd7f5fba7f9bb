/**
 * The single-event ingest baseline: the least a server can do for
 * `journal.playerAction`. A bare `Bun.serve` that parses the same JSON body
 * and does one node-redis `XADD` of the same six fields per request, and
 * answers `{"ids":[id]}`. No routing, validation, limits, idempotency,
 * metrics or workers. It runs in its own process, as the server does, and
 * tells the parent its URL once listening.
 */
import { createClient } from "redis";
import { toParent, workerArgs } from "../lib/workers.ts";

const { redisUrl, stream } = workerArgs<{ redisUrl: string; stream: string }>();
const client = createClient({ url: redisUrl });
await client.connect();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const body = (await req.json()) as { action: string; user_id: string; session_id: string; match_id: string; data: unknown };
    const id = await client.xAdd(stream, "*", {
      type: body.action,
      ts: String(Date.now()),
      user_id: body.user_id,
      session_id: body.session_id,
      match_id: body.match_id,
      data: JSON.stringify(body.data),
    });
    return Response.json({ ids: [id] });
  },
});

process.on("SIGTERM", () => {
  void server.stop(true);
  client.destroy();
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}` });
