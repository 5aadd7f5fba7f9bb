import type { Server, ServerWebSocket } from "bun";
import { createApp } from "./app.ts";
import { createAuth, resolveSecret } from "./auth/index.ts";
import { openBackends, redisReady } from "./backends/index.ts";
import type { Config } from "./config.ts";
import { Health } from "./health/index.ts";
import { EventJournal, JournalMetrics, journalRoutes, openJournal } from "./journal/index.ts";
import { matchesApi, matchesGraphQL, matchRoutes, MongoMatchCheckpointStore, MongoMatchSummaryStore, SqliteMatchCheckpointStore, SqliteMatchSummaryStore } from "./matches/index.ts";
import {
  RedisSubscriptionRegistry,
  SqliteSubscriptionRegistry,
  TelemetryService,
  telemetryMetrics,
  telemetryRoutes,
} from "./telemetry/index.ts";
import type { Logger } from "./log.ts";
import { createMetrics } from "./metrics/index.ts";
import { systemClock, type Clock, type Services } from "./services.ts";
import { appRouter, createContextFactory, createTrpcWsHandler, type TrpcSocketState } from "./trpc/index.ts";
import { VERSION } from "./version.ts";
// --- session events (issue 5: ingest) ---
import { createGraphQL, graphqlRoutes } from "./graphql/index.ts";
import { openSessions, STREAM_PATH, type StreamSocketState } from "./sessions/index.ts";
import { WorkerRunner } from "./workers/index.ts";

/** What each WebSocket carries; `endpoint` picks the handler. */
export type SocketData = { endpoint: "trpc"; trpc: TrpcSocketState } | { endpoint: "stream"; stream: StreamSocketState };

/** Narrows a socket to one endpoint's, by its `data.endpoint`. */
function isEndpoint<E extends SocketData["endpoint"]>(ws: ServerWebSocket<SocketData>, endpoint: E): ws is ServerWebSocket<Extract<SocketData, { endpoint: E }>> {
  return ws.data.endpoint === endpoint;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /**
   * Graceful shutdown: stops accepting, ends live feeds, closes WebSockets
   * (1001), waits for in-flight requests up to the configured timeout, then
   * closes the backends. Safe to call twice.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
}

/** The composition root: builds backends, domains, the HTTP app and the WebSocket endpoints, and listens. */
export async function startServer({ config, logger, clock = systemClock }: StartOptions): Promise<RunningServer> {
  const backends = openBackends(config, logger);
  // Give Redis a moment to connect so the first appends go straight to it rather than to the spool.
  if (backends.redis && !(await redisReady(backends.redis, 2_000))) logger.warn("redis is not reachable at start-up; running degraded");
  const metrics = createMetrics();
  const shutdown = new AbortController();

  const opened = openJournal(backends, config, logger);
  const journalMetrics = new JournalMetrics(metrics.registry, opened.journal, { spoolDepth: () => opened.spool?.spoolDepth ?? 0 });
  const journal = new EventJournal(opened.journal, { clock, ...config.journal, metrics: journalMetrics });

  const registryOptions = { ttlMs: config.telemetry.ttlMs, now: () => clock.now() };
  const telemetry = new TelemetryService({
    journal,
    registry: backends.redis
      ? new RedisSubscriptionRegistry(backends.redis, registryOptions)
      : new SqliteSubscriptionRegistry(backends.sqlite("journal"), registryOptions),
    clock,
    logger,
    ...config.telemetry,
    shutdown: shutdown.signal,
    metrics: telemetryMetrics(metrics.registry),
  });

  const documentsDb = backends.mongo?.client.db(config.mongoDatabase);
  const summaries = documentsDb ? new MongoMatchSummaryStore(documentsDb) : new SqliteMatchSummaryStore(backends.sqlite("documents"));
  const checkpoints = documentsDb
    ? new MongoMatchCheckpointStore(documentsDb, { clock })
    : new SqliteMatchCheckpointStore(backends.sqlite("documents"), { clock });
  const matches = matchesApi(summaries, journal, clock);

  // Expired subscriptions leave the registry even for lobbies nobody lists.
  const sweeper = setInterval(() => void telemetry.registry.sweep().catch(() => {}), config.telemetry.ttlMs);

  const health = new Health(backends.kind, VERSION);
  for (const check of backends.checks) health.register(check.name === "redis" && opened.check ? opened.check : check);

  const auth = createAuth(resolveSecret(config.jwtSecret, config.dataDir), () => clock.now());
  // --- session events (issue 5: ingest) ---
  const sessions = await openSessions({ backends, config, journal, auth, clock, logger, subscriptions: telemetry.registry });
  const graphql = createGraphQL({ health, logger, modules: [sessions.graphql, matchesGraphQL(matches)] });
  const workers = new WorkerRunner({ journal: opened.journal, logger });

  const services: Services = {
    health,
    auth,
    clock,
    shutdown: shutdown.signal,
    journal,
    telemetry,
    matches,
    sessions: { store: sessions.store, ingest: sessions.ingest },
  };

  const createContext = createContextFactory(services);
  const routes = [journalRoutes(journal), telemetryRoutes(telemetry), matchRoutes(matches), ...sessions.routes, graphqlRoutes(graphql)];
  const app = createApp({ services, metrics, logger, router: appRouter, createContext, routes });
  const trpcWs = createTrpcWsHandler({ router: appRouter, createContext, logger });

  const sockets = new Set<ServerWebSocket<SocketData>>();
  const server: Server<SocketData> = Bun.serve<SocketData>({
    hostname: config.server.hostname,
    port: config.server.port,
    // SSE streams ping every 4 s; anything silent for 30 s is gone.
    idleTimeout: 30,
    async fetch(req, srv) {
      if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const { pathname } = new URL(req.url);
        if (pathname === "/trpc" || pathname === "/trpc/") {
          if (srv.upgrade(req, { data: { endpoint: "trpc", trpc: trpcWs.initialState(req) } })) return undefined;
          return new Response("WebSocket upgrade failed", { status: 400 });
        }
        // --- session events (issue 5: ingest): the token is checked before the upgrade ---
        if (pathname === STREAM_PATH) {
          const accepted = await sessions.stream.accept(req);
          if (accepted instanceof Response) return accepted;
          if (srv.upgrade(req, { data: { endpoint: "stream", stream: accepted } })) return undefined;
          return new Response("WebSocket upgrade failed", { status: 400 });
        }
      }
      return app.fetch(req, srv);
    },
    websocket: {
      idleTimeout: 120,
      sendPings: true,
      open(ws) {
        sockets.add(ws);
        metrics.wsConnections.inc({ endpoint: ws.data.endpoint });
        if (isEndpoint(ws, "trpc")) trpcWs.open(ws);
        else if (isEndpoint(ws, "stream")) sessions.stream.open(ws);
      },
      message(ws, message) {
        if (isEndpoint(ws, "trpc")) trpcWs.message(ws, message);
        else if (isEndpoint(ws, "stream")) sessions.stream.message(ws, message);
      },
      drain(ws) {
        if (isEndpoint(ws, "trpc")) trpcWs.drain(ws);
      },
      close(ws) {
        sockets.delete(ws);
        metrics.wsConnections.dec({ endpoint: ws.data.endpoint });
        if (isEndpoint(ws, "trpc")) trpcWs.close(ws);
        else if (isEndpoint(ws, "stream")) sessions.stream.close(ws);
      },
    },
  });

  const url = `http://${server.hostname === "0.0.0.0" ? "127.0.0.1" : server.hostname}:${server.port}`;
  logger.info({ url, backend: backends.kind, version: VERSION }, "gamejournal listening");
  workers.start(sessions.worker); // session events (issue 5); once listening, so a failed start leaves no worker behind

  let stopping: Promise<void> | undefined;
  return {
    url,
    port: server.port!,
    services,
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down");
        shutdown.abort();
        clearInterval(sweeper);
        const drained = server.stop(false);
        for (const ws of sockets) ws.close(1001, "server shutting down");
        const timedOut = await Promise.race([
          drained.then(() => false),
          Bun.sleep(config.shutdownTimeoutMs).then(() => true),
        ]);
        if (timedOut) {
          logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "shutdown timed out; closing remaining connections");
          await server.stop(true);
        }
        await workers.stop();
        await opened.journal.close();
        await backends.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
