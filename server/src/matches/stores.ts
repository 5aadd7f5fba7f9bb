import type { Backends } from "../backends/index.ts";
import type { Config } from "../config.ts";
import type { Clock } from "../platform/clock.ts";
import { MongoSessionEventStore } from "../sessions/mongo-session-event-store.ts";
import type { SessionEventStore } from "../sessions/session-event-store.ts";
import { SqliteSessionEventStore } from "../sessions/sqlite-session-event-store.ts";
import { MongoMatchCheckpointStore } from "./checkpoint-store-mongo.ts";
import type { MatchCheckpointStore } from "./checkpoint-store.ts";
import { SqliteMatchCheckpointStore } from "./checkpoint-store-sqlite.ts";
import { MongoMatchSummaryStore } from "./summary-store-mongo.ts";
import type { MatchSummaryStore } from "./summary-store.ts";
import { SqliteMatchSummaryStore } from "./summary-store-sqlite.ts";

/**
 * The stores the configuration selects, for the server and for `gamejournal
 * rebuild` alike: MongoDB when a MongoDB URI is set, else the `documents`
 * SQLite database under DATA_DIR. Opening them does no I/O; callers `init`.
 */
export function openMatchStores(backends: Backends, clock: Clock): { summaries: MatchSummaryStore; checkpoints: MatchCheckpointStore } {
  const db = backends.mongo?.db;
  return db
    ? { summaries: new MongoMatchSummaryStore(db), checkpoints: new MongoMatchCheckpointStore(db, { clock }) }
    : { summaries: new SqliteMatchSummaryStore(backends.sqlite("documents")), checkpoints: new SqliteMatchCheckpointStore(backends.sqlite("documents"), { clock }) };
}

/** The session event store the sessions domain uses (same collection or table), for rebuilding it. */
export function openSessionEventStore(backends: Backends, config: Config): SessionEventStore {
  return backends.mongo
    ? new MongoSessionEventStore(backends.mongo.db, config.sessionEventsCollection)
    : new SqliteSessionEventStore(backends.sqlite("documents"), config.sessionEventsCollection);
}
