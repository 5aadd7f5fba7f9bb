import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { sessionsGraphQL, type LobbySubscriptionDirectory } from "./graphql.ts";
import { FrameIngest } from "./ingest.ts";
import { ingestRoutes } from "./ingest-routes.ts";
import { MongoSessionEventStore } from "./mongo-session-event-store.ts";
import { sessionRoutes } from "./routes.ts";
import { sessionEventsWorker } from "./session-events-worker.ts";
import type { SessionEventStore } from "./session-event-store.ts";
import { SqliteSessionEventStore } from "./sqlite-session-event-store.ts";
import { sessionsRouter } from "./router.ts";
import { createStreamEndpoint } from "./stream-endpoint.ts";

export interface SessionsDeps extends PlatformDeps {
  /** The live telemetry subscriptions, for GraphQL's `lobbySubscriptions`. */
  subscriptions: LobbySubscriptionDirectory;
}

/** What other code uses of session events: the store the worker fills, and the one ingest pipeline. */
export interface SessionsApi {
  readonly store: SessionEventStore;
  readonly ingest: FrameIngest;
}

/**
 * The session events domain (REST reads and writes, GraphQL, `WS /v3/stream`,
 * and the worker that fills the store from the journal) over the configured backends: MongoDB
 * (`MONGODB_DATABASE`, collection `SESSION_EVENTS_COLLECTION`) when a
 * MongoDB URI is set, else the `documents` SQLite database under DATA_DIR.
 * The SQLite table is created here; MongoDB's indexes are created by the
 * worker before its first write, so start-up does not wait for MongoDB.
 */
export async function openSessions({
  backends,
  config,
  journal,
  access,
  clock,
  logger,
  subscriptions,
}: SessionsDeps): Promise<DomainModule<"sessions", SessionsApi>> {
  const store: SessionEventStore = backends.mongo
    ? new MongoSessionEventStore(backends.mongo.db, config.sessionEventsCollection)
    : new SqliteSessionEventStore(backends.sqlite("documents"), config.sessionEventsCollection);
  if (!backends.mongo) await store.init();
  const ingest = new FrameIngest({ journal, clock, frameMaxBytes: config.frameMaxBytes });
  const log = logger.child({ domain: "sessions" });
  return {
    name: "sessions",
    api: { store, ingest },
    router: sessionsRouter({ store, ingest }),
    routes: [sessionRoutes({ store, logger: log }), ingestRoutes({ ingest, maxBodyBytes: config.frameMaxBytes, logger: log })],
    graphql: sessionsGraphQL({ store, ingestFrame: ingest.ingestFrame, subscriptions, clock, logger: log }),
    sockets: [createStreamEndpoint({ ingest, access, clock, logger: log })],
    workers: [sessionEventsWorker({ store, clock, logger: log })],
  };
}
