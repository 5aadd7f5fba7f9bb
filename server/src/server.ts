import type { Server, ServerWebSocket } from "bun";
import { createApp } from "./app.ts";
import { createAuth, resolveSecret } from "./auth/index.ts";
import { openBackends, redisReady } from "./backends/index.ts";
import type { Config } from "./config.ts";
import { createGraphQL, graphqlRoutes } from "./graphql/index.ts";
import { Health } from "./health/index.ts";
import { EventJournal, JournalMetrics, journalRoutes, openJournal } from "./journal/index.ts";
import type { Logger } from "./log.ts";
import { openMatches } from "./matches/open.ts";
import { createMetrics } from "./metrics/index.ts";
import { systemClock, type Clock } from "./platform/clock.ts";
import type { Services } from "./services.ts";
import { openSessions, STREAM_PATH, type StreamSocketState } from "./sessions/index.ts";
import { openTelemetry } from "./telemetry/open.ts";
import { appRouter, createContextFactory, createTrpcWsHandler, type TrpcSocketState } from "./trpc/index.ts";
import { VERSION } from "./version.ts";
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

  const health = new Health(backends.kind, VERSION);
  for (const check of backends.checks) health.register(check.name === "redis" && opened.check ? opened.check : check);
  const auth = createAuth(resolveSecret(config.jwtSecret, config.dataDir), () => clock.now());

  const domain = { backends, config, journal, clock, logger, metrics };
  const telemetry = openTelemetry({ ...domain, shutdown: shutdown.signal });
  const matches = openMatches(domain);
  const sessions = await openSessions({ ...domain, auth, subscriptions: telemetry.service.registry });
  const graphql = createGraphQL({ health, logger, modules: [sessions.graphql, matches.graphql] });
  const workers = new WorkerRunner({ journal: opened.journal, logger });

  const services: Services = {
    health,
    auth,
    clock,
    shutdown: shutdown.signal,
    journal,
    telemetry: telemetry.service,
    matches: matches.api,
    sessions: { store: sessions.store, ingest: sessions.ingest },
  };

  const createContext = createContextFactory(services);
  const routes = [journalRoutes(journal), ...telemetry.routes, ...matches.routes, ...sessions.routes, graphqlRoutes(graphql)];
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
        // Frames over WebSocket (seed 002): the token is checked before the upgrade.
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
      // Past this many unsent bytes Bun closes the socket rather than drop a published message (a gap);
      // live feeds disconnect a slow subscriber well before (see telemetry/lobby-topics.ts).
      backpressureLimit: 16 * 1024 * 1024,
      closeOnBackpressureLimit: true,
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

  trpcWs.bindServer(server);

  const url = `http://${server.hostname === "0.0.0.0" ? "127.0.0.1" : server.hostname}:${server.port}`;
  logger.info({ url, backend: backends.kind, version: VERSION }, "gamejournal listening");
  // Once listening, so a failed start leaves no worker or timer behind.
  workers.start(sessions.worker, ...matches.workers);
  telemetry.start();
  matches.start();

  let stopping: Promise<void> | undefined;
  return {
    url,
    port: server.port!,
    services,
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down");
        shutdown.abort();
        telemetry.stop();
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
        await matches.stop();
        await opened.journal.close();
        await backends.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
