/**
 * The frames baseline: the least a server can do for `/v3/stream` and still
 * do the same work with each frame. A bare `Bun.serve` WebSocket that, per
 * message, `JSON.parse`s the envelope, XADDs the frame (re-serialised) to
 * `events:rtapi` and to its lobby's stream with node-redis, and answers
 * `{"success":true,"ids":[id]}` in order; and, in the same process, one
 * consumer group reading `events:rtapi` back (XREADGROUP, 500 a read) and
 * storing each frame as a document in bun:sqlite (WAL, synchronous=NORMAL,
 * one transaction a read) before XACKing it. No validation, key
 * normalisation, authentication, limits, idempotency, metrics or match
 * summaries. It tells the parent its URL once listening.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { toParent, workerArgs } from "../lib/workers.ts";

const { redisUrl } = workerArgs<{ redisUrl: string }>();
const STREAM = "bench:minimal-frames:rtapi";
const GROUP = "session-events";
const client = createClient({ url: redisUrl });
const reader = client.duplicate();
await Promise.all([client.connect(), reader.connect()]);
await client.xGroupCreate(STREAM, GROUP, "$", { MKSTREAM: true }).catch(() => {});

const db = new Database(join(mkdtempSync(join(tmpdir(), "gamejournal-bench-minimal-frames-")), "documents.db"));
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE session_events (id TEXT PRIMARY KEY, doc TEXT NOT NULL)");
const insert = db.prepare("INSERT OR IGNORE INTO session_events (id, doc) VALUES (?, ?)");
const store = db.transaction((entries: Array<{ id: string; frame: string }>) => {
  for (const e of entries) insert.run(e.id, e.frame);
});

let running = true;
async function consume(): Promise<void> {
  while (running) {
    const reply = await reader.xReadGroup(GROUP, "c1", { key: STREAM, id: ">" }, { COUNT: 500, BLOCK: 100 }).catch(() => null);
    const messages = ((reply as Array<{ messages: Array<{ id: string; message: Record<string, string> }> }> | null)?.[0]?.messages ?? []);
    if (messages.length === 0) continue;
    store(messages.map((m) => ({ id: m.id, frame: String(m.message.data) })));
    await reader.xAck(STREAM, GROUP, messages.map((m) => m.id));
  }
}
void consume();

type Socket = { chain: Promise<void> };
const server = Bun.serve<Socket>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    if (srv.upgrade(req, { data: { chain: Promise.resolve() } })) return undefined;
    return new Response("not found", { status: 404 });
  },
  websocket: {
    message(ws, message) {
      const { frame } = JSON.parse(String(message)) as { frame: { session?: { session_id?: string } } };
      const data = JSON.stringify(frame);
      const lobby = frame.session?.session_id ?? "none";
      const id = client.xAdd(STREAM, "*", { type: "frame", lobby_id: lobby, data });
      void client.xAdd(`bench:minimal-frames:lobby:{${lobby}}:events`, "*", { type: "frame", data });
      // Answered in order, as /v3/stream answers.
      ws.data.chain = ws.data.chain.then(async () => {
        ws.send(JSON.stringify({ success: true, ids: [await id] }));
      });
    },
  },
});

process.on("SIGTERM", () => {
  running = false;
  void server.stop(true);
  client.destroy();
  reader.destroy();
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}` });
