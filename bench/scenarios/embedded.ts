import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchContext } from "../lib/context.ts";
import { eventJson } from "../lib/event.ts";
import { row, type Figures, type Row } from "../lib/report.ts";
import { startServer } from "../lib/services.ts";
import type { Baseline } from "../lib/report.ts";
import { againstBareServer } from "./baselines.ts";
import { BATCH_CLIENTS, BATCH_SIZE, figuresOf, minimalBaseline, restIngest, SINGLE_CLIENTS, trpcBatch, trpcSingle } from "./ingest.ts";

/**
 * Ingest on the embedded backend: a server with no Redis (journal in
 * SQLite, WAL, synchronous=NORMAL) under the same tRPC load as the Redis
 * ingest cases. Baselines: the minimal Bun.serve + node-redis server of
 * the ingest scenario (single events: what a bare server on Redis does);
 * the same minimal server keeping the events in bun:sqlite, and also
 * reading them back (the floor of the embedded single-event case); and
 * bun:sqlite in this process inserting the same JSON rows with the same
 * pragmas, one transaction per event and one per 1,000 events.
 */
function plainSqlite(seconds: number, perTransaction: number): Figures {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-bench-sqlite-"));
  try {
    const db = new Database(join(dir, "plain.db"), { create: true });
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    const insert = db.query("INSERT INTO events (body) VALUES (?)");
    const write = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(eventJson(Date.now()));
    });
    const t0 = performance.now();
    let events = 0;
    while (performance.now() - t0 < seconds * 1000) {
      write(perTransaction);
      events += perTransaction;
    }
    const elapsed = (performance.now() - t0) / 1000;
    db.close();
    return { events_per_s: Math.round(events / elapsed), events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The minimal server (bench/workers/minimal-server.ts) keeping events in bun:sqlite, one transaction an event-loop turn; with `readBack`, reading each back. */
async function minimalOnSqlite(ctx: BenchContext, readBack: boolean): Promise<Baseline> {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-bench-minimal-sqlite-"));
  try {
    ctx.log(`embedded: the minimal server on bun:sqlite${readBack ? ", reading every event back" : ""}, ${SINGLE_CLIENTS} clients`);
    const load = await againstBareServer(ctx, "minimal-server", (url) => restIngest(url, ctx, 1, SINGLE_CLIENTS), { sqlite: dir, readBack });
    return {
      name: readBack ? "the minimal server on bun:sqlite, also reading each event back" : "the minimal server on bun:sqlite, 1 transaction/turn",
      figures: figuresOf(load, { errors: load.errors }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function embeddedScenario(ctx: BenchContext): Promise<Row[]> {
  const minimal = await minimalBaseline(ctx);
  const onSqlite = await minimalOnSqlite(ctx, false);
  const onSqliteReadBack = await minimalOnSqlite(ctx, true);
  ctx.log("embedded: a server on SQLite, same tRPC load");
  const { single, batch } = await (async () => {
    await using server = await startServer({});
    return { single: await trpcSingle(server.url, ctx), batch: await trpcBatch(server.url, ctx) };
  })();
  ctx.log("embedded: plain bun:sqlite inserts");
  const seconds = ctx.quick ? 1 : 4;
  return [
    row({
      scenario: "embedded",
      case: `tRPC journal.playerAction over HTTP, ${SINGLE_CLIENTS} clients, 1 event/call`,
      figures: figuresOf(single, { errors: single.errors }),
      baselines: [minimal, onSqlite, onSqliteReadBack, { name: "bun:sqlite INSERT, 1 event/transaction", figures: plainSqlite(seconds, 1) }],
      compare: "events_per_s",
      target: { text: "≥ 1.0× the minimal server on Redis", met: single.events_per_s >= Number(minimal.figures.events_per_s) },
    }),
    row({
      scenario: "embedded",
      case: `tRPC journal.appendBatch over HTTP, ${BATCH_CLIENTS} clients, ${BATCH_SIZE} events/call`,
      figures: figuresOf(batch, { errors: batch.errors }),
      baselines: [{ name: `bun:sqlite INSERT, ${BATCH_SIZE} events/transaction`, figures: plainSqlite(seconds, BATCH_SIZE) }],
      compare: "events_per_s",
    }),
  ];
}
