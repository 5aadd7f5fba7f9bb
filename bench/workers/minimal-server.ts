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
 *
 * With `sqlite` (a directory), the events go to bun:sqlite instead of
 * Redis, as the embedded journal keeps them: a table of (id, type, ts, the
 * four ids, data) in WAL mode with synchronous=NORMAL, one transaction per
 * event-loop turn (group commit, as the embedded journal); `readBack` then
 * reads 500 rows past a cursor, every millisecond while it finds none, and
 * saves the cursor in the same database.
 */
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { createClient } from "redis";
import { toParent, workerArgs } from "../lib/workers.ts";

const { redisUrl, stream, readBack, sqlite } = workerArgs<{ redisUrl: string; stream: string; readBack?: boolean; sqlite?: string }>();

interface Event {
  action?: string;
  type?: string;
  user_id: string;
  session_id: string;
  match_id: string;
  data: unknown;
}

/** Stores one request's events; resolves with their ids. */
type Store = (events: Event[]) => Promise<string[]> | string[];
let store: Store;
let stopStore: () => void;
let reading = true;
if (sqlite) {
  const db = new Database(join(sqlite, "minimal.db"), { create: true });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  db.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT, ts INTEGER, user_id TEXT, session_id TEXT, match_id TEXT, data TEXT)");
  db.exec("CREATE TABLE cursors (name TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  const insert = db.query("INSERT INTO events (type, ts, user_id, session_id, match_id, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  const insertAll = db.transaction((events: Event[]) =>
    events.map((e) => String((insert.get(e.action ?? e.type ?? "", Date.now(), e.user_id, e.session_id, e.match_id, JSON.stringify(e.data)) as { id: number }).id)),
  );
  // Group commit, as the embedded journal does: the requests of one event-loop turn share a transaction.
  let turn: Array<{ events: Event[]; done: (ids: string[]) => void }> = [];
  const commitTurn = () => {
    const calls = turn;
    turn = [];
    const ids = insertAll(calls.flatMap((c) => c.events));
    let at = 0;
    for (const call of calls) call.done(ids.slice(at, (at += call.events.length)));
  };
  store = (events) =>
    new Promise<string[]>((done) => {
      if (turn.length === 0) setImmediate(commitTurn);
      turn.push({ events, done });
    });
  stopStore = () => db.close(false);
  if (readBack) {
    const page = db.query("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT 500");
    const save = db.query("INSERT INTO cursors (name, at) VALUES ('read-back', ?) ON CONFLICT (name) DO UPDATE SET at = excluded.at");
    let at = 0;
    void (async () => {
      while (reading) {
        const rows = page.all(at) as Array<{ id: number }>;
        if (rows.length === 0) {
          await Bun.sleep(1);
          continue;
        }
        at = rows[rows.length - 1]!.id;
        save.run(at);
        await Bun.sleep(0);
      }
    })();
  }
} else {
  const client = createClient({ url: redisUrl });
  await client.connect();
  stopStore = () => client.destroy();
  store = (events) =>
    Promise.all(
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
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const body = (await req.json()) as Event | Event[] | { events: Event[] };
    // A batch (an array, or `{events}` as journal.appendBatch takes it): one XADD per event, pipelined by node-redis; one transaction on SQLite.
    const events = Array.isArray(body) ? body : "events" in body ? body.events : [body];
    return Response.json({ ids: await store(events) });
  },
});

process.on("SIGTERM", () => {
  reading = false;
  void server.stop(true);
  stopStore();
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}` });
