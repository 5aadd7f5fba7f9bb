import type { Hono } from "hono";
import type { Auth } from "../auth/index.ts";
import type { DomainDeps } from "../domain.ts";
import type { GraphQLModule } from "../graphql/index.ts";
import type { WorkerDefinition } from "../workers/index.ts";
import { sessionsGraphQL, type LobbySubscriptionDirectory } from "./graphql.ts";
import { FrameIngest } from "./ingest.ts";
import { ingestRoutes } from "./ingest-routes.ts";
import { MongoSessionEventStore } from "./mongo-session-event-store.ts";
import { sessionRoutes } from "./routes.ts";
import { sessionEventsWorker } from "./session-events-worker.ts";
import type { SessionEventStore } from "./session-event-store.ts";
import { SqliteSessionEventStore } from "./sqlite-session-event-store.ts";
import { createStreamEndpoint, type StreamEndpoint } from "./stream-endpoint.ts";

export interface SessionsDeps extends DomainDeps {
  auth: Auth;
  /** The live telemetry subscriptions, for GraphQL's `lobbySubscriptions`. */
  subscriptions: LobbySubscriptionDirectory;
}

/** Everything the server mounts for session events. */
export interface Sessions {
  store: SessionEventStore;
  ingest: FrameIngest;
  /** REST reads and writes, mounted at the root. */
  routes: Hono[];
  graphql: GraphQLModule;
  /** `WS /v3/stream`. */
  stream: StreamEndpoint;
  /** Fills `store` from the journal; run it with the WorkerRunner. */
  worker: WorkerDefinition;
}

/**
 * The session events domain over the configured backends: MongoDB
 * (`MONGODB_DATABASE`, collection `SESSION_EVENTS_COLLECTION`) when a
 * MongoDB URI is set, else the `documents` SQLite database under DATA_DIR.
 * The SQLite table is created here; MongoDB's indexes are created by the
 * worker before its first write, so start-up does not wait for MongoDB.
 */
export async function openSessions({ backends, config, journal, auth, clock, logger, subscriptions }: SessionsDeps): Promise<Sessions> {
  const store: SessionEventStore = backends.mongo
    ? new MongoSessionEventStore(backends.mongo.db, config.sessionEventsCollection)
    : new SqliteSessionEventStore(backends.sqlite("documents"), config.sessionEventsCollection);
  if (!backends.mongo) await store.init();
  const ingest = new FrameIngest({ journal, clock, lobbyStreamMaxLen: config.telemetry.lobbyStreamMaxLen, frameMaxBytes: config.frameMaxBytes });
  const log = logger.child({ domain: "sessions" });
  return {
    store,
    ingest,
    routes: [sessionRoutes({ store, logger: log }), ingestRoutes({ ingest, auth, maxBodyBytes: config.frameMaxBytes, logger: log })],
    graphql: sessionsGraphQL({ store, ingestFrame: ingest.ingestFrame, subscriptions, clock, logger: log }),
    stream: createStreamEndpoint({ ingest, auth, logger: log }),
    worker: sessionEventsWorker({ store, clock, logger: log }),
  };
}
