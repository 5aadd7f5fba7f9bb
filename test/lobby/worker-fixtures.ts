import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JournalEntry } from "@gamejournal/shared";
import { MongoClient } from "mongodb";
import { Registry } from "prom-client";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/redis.ts";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import type { Journal } from "../../server/src/journal/journal.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import {
  appendGmEvent,
  CapabilityEvaluator,
  GM_EVENTS_OFFSET_LABEL,
  GmEventsWorker,
  JournalGmEventSource,
  journalCapabilityPublisher,
  lobbyMetrics,
  RedisGmEventSource,
  type CapabilityPublisher,
  type GmEventSource,
  type GmEventsWorkerConfig,
} from "../../server/src/lobby/index.ts";
import { silentLogger, type Logger } from "../../server/src/log.ts";
import { sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { mongoStores, sqliteStores, testClock, type LobbyStores, type TestClock } from "./backends.ts";
import { captureLogger, type LogLine } from "./capture-logger.ts";

/**
 * The gm events worker on each real backend, fed as the Game Master feeds it:
 * - "sqlite": SQLite stores, entries appended to the SQLite journal with `appendGmEvent`;
 * - "mongodb+redis": MongoDB (FerretDB) stores, entries XADDed to a real Redis stream.
 */

export interface WorkerFixture extends AsyncDisposable {
  clock: TestClock;
  stores: LobbyStores;
  registry: Registry;
  logs: LogLine[];
  /** The logger the workers log to (into `logs`). */
  logger: Logger;
  /** Appends one entry as the Game Master would; returns its id. */
  append(fields: Record<string, string>): Promise<string>;
  /** Where the fixture's evaluations publish (a real journal). */
  publisher: CapabilityPublisher;
  /** A new source over the stream (each worker gets its own, as after a restart). */
  source(): GmEventSource;
  /** The `capabilities_evaluated` events published so far. */
  published(): Promise<JournalEntry[]>;
  /** A worker over the fixture's stores, with `overrides` (e.g. a faulty store) taking their place. */
  worker(overrides?: Partial<GmEventsWorkerConfig> & { capabilityStores?: Partial<LobbyStores> }): GmEventsWorker;
  /** Runs a worker until `stop`; `done` rejects if the run failed. */
  start(worker?: GmEventsWorker): Running;
  offset(): Promise<string | null>;
  /** Waits until the stored offset is `id`. */
  waitForOffset(id: string, timeoutMs?: number): Promise<void>;
  /** `lobby_game_transitions_total` for these labels. */
  transitions(from: string, to: string, trigger: string): Promise<number>;
}

export interface Running {
  done: Promise<void>;
  stop(): Promise<void>;
}

interface Parts {
  clock: TestClock;
  stores: LobbyStores;
  source: () => GmEventSource;
  append: (fields: Record<string, string>) => Promise<string>;
  journal: Journal;
  eventsStream: string;
  dispose: () => Promise<void>;
}

function assemble(parts: Parts): WorkerFixture {
  const registry = new Registry();
  const metrics = lobbyMetrics(registry);
  const { logger, lines } = captureLogger();
  const running: Running[] = [];
  const publisher = journalCapabilityPublisher(parts.journal, { clock: parts.clock, stream: parts.eventsStream });
  const fx: WorkerFixture = {
    clock: parts.clock,
    stores: parts.stores,
    registry,
    logs: lines,
    logger,
    append: parts.append,
    source: parts.source,
    publisher,
    published: async () => (await parts.journal.read(parts.eventsStream, { count: 1_000 })).filter((e) => e.type === "capabilities_evaluated"),
    worker({ capabilityStores = {}, ...overrides } = {}) {
      const s = { ...parts.stores, ...capabilityStores };
      const capability = new CapabilityEvaluator({ games: s.games, stats: s.stats, capabilities: s.capabilities, guard: s.guard, publisher, clock: parts.clock });
      return new GmEventsWorker({
        source: parts.source(),
        games: parts.stores.games,
        stats: parts.stores.stats,
        capability,
        offsets: parts.stores.offsets,
        clock: parts.clock,
        logger,
        metrics,
        blockMs: 200,
        holdRetryMs: { min: 5, max: 50 },
        ...overrides,
      });
    },
    start(worker = fx.worker()) {
      const abort = new AbortController();
      const done = worker.run(abort.signal);
      done.catch(() => {});
      const handle = {
        done,
        async stop() {
          abort.abort();
          await done.catch(() => {});
        },
      };
      running.push(handle);
      return handle;
    },
    async offset() {
      const { id, found } = await parts.stores.offsets.load(GM_EVENTS_OFFSET_LABEL);
      return found ? id : null;
    },
    async waitForOffset(id, timeoutMs = 20_000) {
      await waitFor(`offset ${id}`, async () => (await fx.offset()) === id, { timeoutMs });
    },
    async transitions(from, to, trigger) {
      const metric = await registry.getSingleMetric("lobby_game_transitions_total")!.get();
      return metric.values.find((v) => v.labels.from_status === from && v.labels.to_status === to && v.labels.trigger === trigger)?.value ?? 0;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(running.map((r) => r.stop()));
      await parts.dispose();
    },
  };
  return fx;
}

/** The embedded deployment: SQLite stores and the journal stream. */
export async function sqliteWorkerFixture(): Promise<WorkerFixture> {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-lobby-worker-"));
  const clock = testClock();
  const handles: Database[] = [];
  const stores = await sqliteStores(dir, clock, handles);
  const journalDb = openSqlite(join(dir, "journal.db"));
  const journal = new SqliteJournal(journalDb);
  const sources: GmEventSource[] = [];
  return assemble({
    clock,
    stores,
    journal,
    eventsStream: "lobby:events",
    source: () => {
      const source = new JournalGmEventSource(journal);
      sources.push(source);
      return source;
    },
    append: async (fields) => (await appendGmEvent(journal, fields, { clock }))!.id!,
    async dispose() {
      await Promise.all(sources.map((s) => s.close()));
      await journal.close();
      journalDb.close();
      for (const db of handles) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** The scaled deployment: MongoDB stores and the Game Master's Redis stream. `mongoUrl`/`redisUrl` default to the shared servers. */
export async function mongoRedisWorkerFixture({ mongoUrl, redisUrl }: { mongoUrl?: string; redisUrl?: string } = {}): Promise<WorkerFixture> {
  const clock = testClock();
  const mongo = new MongoClient(mongoUrl ?? (await sharedMongo()).url, { serverSelectionTimeoutMS: 1_500, connectTimeoutMS: 1_500 });
  const dbName = uniqueName("lobby");
  const stores = await mongoStores(mongo, dbName, clock);
  const redis = createClient({ url: redisUrl ?? (await sharedRedis()).url, socket: { reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 500) } }) as RedisClient;
  redis.on("error", () => {});
  await redis.connect();
  const stream = uniqueName("gm:lobby_events");
  const journal = new RedisJournal(redis, silentLogger());
  const sources: GmEventSource[] = [];
  return assemble({
    clock,
    stores,
    journal,
    eventsStream: uniqueName("lobby:events"),
    source: () => {
      const source = new RedisGmEventSource(redis, stream);
      sources.push(source);
      return source;
    },
    append: (fields) => redis.xAdd(stream, "*", fields),
    async dispose() {
      await Promise.all(sources.map((s) => s.close()));
      await redis.del(stream).catch(() => {});
      await journal.close();
      redis.destroy();
      await mongo.db(dbName).dropDatabase().catch(() => {});
      await mongo.close();
    },
  });
}

export const WORKER_BACKENDS: Array<[string, () => Promise<WorkerFixture>]> = [
  ["sqlite", sqliteWorkerFixture],
  ["mongodb+redis", () => mongoRedisWorkerFixture()],
];
