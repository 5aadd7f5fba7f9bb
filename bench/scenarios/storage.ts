import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import type { BenchContext } from "../lib/context.ts";
import { batchEvent, eventFields, eventJson } from "../lib/event.ts";
import { trpcMutation } from "../lib/load.ts";
import { row, type Row } from "../lib/report.ts";
import { startServer } from "../lib/services.ts";

/**
 * Storage: bytes per journaled event. Redis: MEMORY USAGE of the stream the
 * server wrote (journal.appendBatch of the bench's player action) over its
 * length, beside the same fields XADDed by a plain client. SQLite: growth
 * of the embedded server's journal.db (and its WAL) over the events added,
 * beside a plain SQLite table holding the same JSON text, one row each.
 */
const STREAM = "events:player_actions";

function fileBytes(path: string): number {
  return [path, `${path}-wal`].reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);
}

async function appendBatches(base: string, events: number): Promise<void> {
  const body = JSON.stringify({ events: Array.from({ length: 1_000 }, batchEvent) });
  for (let n = 0; n < events; n += 4_000) await Promise.all(Array.from({ length: 4 }, () => trpcMutation(base, "journal.appendBatch", body)));
}

export async function storageScenario(ctx: BenchContext): Promise<Row[]> {
  const events = ctx.quick ? 40_000 : 200_000;
  const client = createClient({ url: ctx.redis.url });
  await client.connect();
  const rows: Row[] = [];
  try {
    ctx.log(`storage: ${events.toLocaleString("en-US")} events into Redis, through the server and plain`);
    await client.del(STREAM);
    await appendBatches(ctx.server.url, events);
    const ours = Number(await client.memoryUsage(STREAM, { SAMPLES: 0 })) / Number(await client.xLen(STREAM));
    const raw = "bench:storage-raw";
    await client.del(raw);
    for (let n = 0; n < events; n += 1_000) {
      const fields = eventFields(Date.now());
      const message: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) message[fields[i]!] = fields[i + 1]!;
      await Promise.all(Array.from({ length: 1_000 }, () => client.xAdd(raw, "*", message)));
    }
    const plain = Number(await client.memoryUsage(raw, { SAMPLES: 0 })) / Number(await client.xLen(raw));
    await client.del(raw);
    rows.push(
      row({
        scenario: "storage",
        case: "Redis: MEMORY USAGE / XLEN of events:player_actions",
        figures: { bytes_per_event: Math.round(ours), event_json_bytes: eventJson().length },
        baselines: [{ name: "the same six fields XADDed by node-redis", figures: { bytes_per_event: Math.round(plain) } }],
        compare: "bytes_per_event",
      }),
    );

    ctx.log(`storage: ${events.toLocaleString("en-US")} events into the embedded SQLite journal, and a plain table`);
    const sqliteBytes = await (async () => {
      await using embedded = await startServer({});
      const file = join(embedded.dir, "journal.db");
      await trpcMutation(embedded.url, "journal.appendBatch", JSON.stringify({ events: [batchEvent()] }));
      const before = fileBytes(file);
      await appendBatches(embedded.url, events);
      await embedded.stop(); // checkpoints the WAL
      return (fileBytes(file) - before) / events;
    })();
    const dir = mkdtempSync(join(tmpdir(), "gamejournal-bench-sqlite-"));
    let plainSqlite: number;
    try {
      const file = join(dir, "plain.db");
      const db = new Database(file, { create: true });
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
      const before = fileBytes(file);
      const insert = db.query("INSERT INTO events (body) VALUES (?)");
      const many = db.transaction((n: number) => {
        for (let i = 0; i < n; i++) insert.run(eventJson(Date.now()));
      });
      for (let n = 0; n < events; n += 1_000) many(1_000);
      db.close();
      plainSqlite = (fileBytes(file) - before) / events;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    rows.push(
      row({
        scenario: "storage",
        case: "SQLite: journal.db growth / events (embedded server)",
        figures: { bytes_per_event: Math.round(sqliteBytes), event_json_bytes: eventJson().length },
        baselines: [{ name: "plain SQLite table (rowid, JSON text)", figures: { bytes_per_event: Math.round(plainSqlite) } }],
        compare: "bytes_per_event",
        target: { text: "≤ 1.1× the plain table", met: sqliteBytes <= 1.1 * plainSqlite },
      }),
    );
    return rows;
  } finally {
    client.destroy();
  }
}
