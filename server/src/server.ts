import type { Server } from "bun";
import { createApp } from "./app.ts";
import { Access } from "./auth/access.ts";
import { createAuth, secretOf, type Auth } from "./auth/index.ts";
import { openServerKeyStore } from "./auth/server-keys-open.ts";
import { openBackends, redisReady } from "./backends/index.ts";
import type { Config } from "./config.ts";
import { createGraphQL, graphqlRoutes } from "./graphql/index.ts";
import { openGames } from "./games/module.ts";
import { Health, Readiness } from "./health/index.ts";
import { bodyGuard } from "./http/body-guard.ts";
import { crossOrigin } from "./http/cors.ts";
import { messageRefusal } from "./http/message-guard.ts";
import { RateLimiter, rateKeyOf, rateLimit } from "./http/rate-limit.ts";
import { EventJournal, JournalMetrics, openJournal, type JournalingApi } from "./journal/index.ts";
import { openAdmin } from "./admin/module.ts";
import { openJournalEdges } from "./journal/module.ts";
import type { Logger } from "./log.ts";
import { openLobby } from "./lobby/module.ts";
import { openMatches } from "./matches/module.ts";
import { createMetrics, type Metrics } from "./metrics/index.ts";
import { systemClock, type Clock } from "./platform/clock.ts";
import { LiveFeeds } from "./platform/live-feed/index.ts";
import type { DomainModule, EndpointSocket, PlatformDeps, SocketEndpoint } from "./platform/module.ts";
import { openSessions } from "./sessions/index.ts";
import { openSystem } from "./system/module.ts";
import { lobbyWrites } from "./telemetry/lobby-writes.ts";
import { openTelemetry } from "./telemetry/module.ts";
import type { TelemetryApi } from "./telemetry/telemetry.ts";
import { composeRouter, createContextFactory, createTrpcWsHandler } from "./trpc/index.ts";
import { VERSION } from "./version.ts";
import { newInstanceName, WorkerRunner } from "./workers/index.ts";

/** What the running server lends in-process callers and tests: the domains' APIs. */
export interface Services {
  readonly auth: Auth;
  /** Identifies requests and manages server keys. */
  readonly access: Access;
  readonly clock: Clock;
  /** Seed 000's journaling API; `.journal` is the journal port itself. */
  readonly journal: JournalingApi;
  /** Live lobby telemetry: broadcast, feeds and the subscription registry. */
  readonly telemetry: TelemetryApi;
  /** Every domain's API by its module name. */
  readonly domains: ReadonlyMap<string, unknown>;
  /** The Prometheus registry and the HTTP metrics (what `/metrics` serves). */
  readonly metrics: Metrics;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  /**
   * On the first start in AUTH_MODE=token (the secret was just generated in
   * DATA_DIR): an admin token, for the operator to see once.
   */
  readonly firstStartAdminToken?: string;
  readonly port: number;
  readonly services: Services;
  /** Every REST route the app serves (method and path pattern), and every WebSocket endpoint's paths. */
  readonly surface: { routes: ReadonlyArray<{ method: string; path: string }>; sockets: readonly string[]; procedures: readonly string[] };
  /**
   * Graceful shutdown, within the configured timeout whatever hangs: stops
   * accepting, ends live feeds, closes WebSockets (1001), waits for
   * in-flight requests (all the timeout but its last quarter, at most a
   * second), then stops the workers and modules and closes the backends,
   * resolving at the deadline even if one of those never returns. Safe to
   * call twice.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
}

type AnySocket = EndpointSocket<unknown>;

/**
 * The composition root: builds the platform (backends, journal, live feeds,
 * auth, metrics), opens each domain module in order, and serves what they
 * expose: tRPC namespaces, REST routes, the GraphQL schema, WebSocket
 * endpoints and workers. A new domain is one line in `modules` below.
 */
export async function startServer({ config, logger, clock = systemClock }: StartOptions): Promise<RunningServer> {
  const backends = openBackends(config, logger);
  // Give Redis a moment to connect so the first appends go straight to it rather than to the spool.
  if (backends.redis && !(await redisReady(backends.redis, 2_000))) logger.warn("redis is not reachable at start-up; running degraded");
  const metrics = createMetrics();
  const shutdown = new AbortController();

  const opened = openJournal(backends, config, logger, clock);
  const journalMetrics = new JournalMetrics(metrics.registry, opened.journal, { spoolDepth: () => opened.spool?.spoolDepth ?? 0 });
  const journal = new EventJournal(opened.journal, {
    clock,
    ...config.journal,
    metrics: journalMetrics,
    // The one telemetry write path: whatever edge an rtapi event with a lobby id comes in through.
    derive: lobbyWrites(config.telemetry.lobbyStreamMaxLen),
  });
  const feeds = new LiveFeeds({ journal: opened.journal, clock, bufferEvents: config.telemetry.subscriberBuffer, shutdown: shutdown.signal });

  const health = new Health(backends.kind, VERSION, clock);
  for (const check of backends.checks) health.register(check.name === "redis" && opened.check ? opened.check : check);
  const secret = secretOf(config.jwtSecret, config.dataDir);
  const auth = createAuth(secret.secret, { clock, maxTtlSeconds: config.auth.maxTokenTtlSeconds });
  const keys = openServerKeyStore(backends);
  await keys.init().catch((error: Error) => logger.warn({ err: error.message }, "server keys unavailable at start-up; key credentials are refused until the store is back"));
  const access = new Access({ mode: config.auth.mode, auth, keys, clock });
  const instance = config.workers.consumerName ?? newInstanceName();
  const platform: PlatformDeps = { backends, config, journal, feeds, auth, access, clock, logger, metrics, shutdown: shutdown.signal, instance };

  const telemetry = openTelemetry(platform);
  // Filled once the modules are open: their workers' groups are off limits to API clients.
  const reservedGroups = new Set<string>();
  const modules: DomainModule[] = [
    openSystem({ health, clock, shutdown: shutdown.signal }),
    openJournalEdges(platform, { reservedGroups: () => reservedGroups }),
    telemetry,
    openMatches(platform),
    await openSessions({ ...platform, subscriptions: telemetry.api.registry }),
    openAdmin(platform, { reservedGroups: () => reservedGroups, workers: () => modules.flatMap((m) => m.workers ?? []) }),
    openLobby(platform),
    openGames(platform),
  ];

  for (const module of modules) for (const check of module.checks ?? []) health.register(check);
  for (const module of modules) for (const worker of module.workers ?? []) reservedGroups.add(worker.group);
  const createContext = createContextFactory(access);
  const appRouter = composeRouter(modules);
  const graphql = createGraphQL({ health, logger, limits: config.limits.graphql, modules: modules.flatMap((m) => (m.graphql ? [m.graphql] : [])) });
  const routes = [...modules.flatMap((m) => m.routes ?? []), graphqlRoutes(graphql)];
  const workers = new WorkerRunner({
    journal: opened.journal,
    logger,
    clock,
    stallMs: config.workerStallMs,
    registry: metrics.registry,
    consumerName: instance,
    reclaimIdleMs: config.workers.reclaimIdleMs,
    consumerExpiryMs: config.workers.consumerExpiryMs,
  });
  const ready = new Readiness({
    health,
    spoolDepth: () => opened.spool?.spoolDepth ?? 0,
    maxSpoolDepth: config.readyMaxSpoolDepth,
    stalledWorkers: () => workers.stalled(),
    shutdown: shutdown.signal,
  });
  const limiter = new RateLimiter(config.rateLimits, clock, metrics.registry);
  const app = createApp({
    health,
    ready,
    before: [crossOrigin(config.corsOrigins)],
    guards: [rateLimit(limiter), bodyGuard({ maxBodyBytes: config.limits.maxBodyBytes, json: config.limits.json })],
    metrics,
    logger,
    access,
    router: appRouter,
    createContext,
    routes,
  });
  const endpoints: SocketEndpoint<unknown>[] = [
    createTrpcWsHandler({ router: appRouter, createContext, logger, clock, maxSubscriptions: config.limits.wsMaxSubscriptions }),
    ...modules.flatMap((m) => m.sockets ?? []),
  ];
  const endpointByPath = new Map(endpoints.flatMap((endpoint) => endpoint.paths.map((path) => [path, endpoint] as const)));

  /** Every socket message passes the checks an HTTP body does (size, JSON limits) and the rate limit, before its endpoint reads it. */
  function refusalOf(ws: AnySocket, message: string | Buffer): Error | undefined {
    const endpoint = ws.data.endpoint;
    const refused = messageRefusal(message, Math.min(endpoint.maxMessageBytes ?? Infinity, config.limits.wsMaxMessageBytes), config.limits.json);
    if (refused || !limiter.enabled || message === "PING" || message === "PONG") return refused;
    try {
      limiter.check("ingest", ws.data.client?.who, ws.data.client?.address);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  const sockets = new Set<AnySocket>();
  const server: Server<AnySocket["data"]> = Bun.serve<AnySocket["data"]>({
    hostname: config.server.hostname,
    port: config.server.port,
    // SSE streams ping every 4 s; anything silent for 30 s is gone.
    idleTimeout: 30,
    async fetch(req, srv) {
      if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const endpoint = endpointByPath.get(new URL(req.url).pathname);
        if (endpoint) {
          // Authentication and other checks happen before the upgrade: a refusal is an HTTP answer.
          const accepted = await endpoint.accept(req);
          if (accepted instanceof Response) return accepted;
          const who = limiter.enabled ? rateKeyOf(await access.identify(req).catch(() => undefined)) : undefined;
          const client = { address: srv.requestIP(req)?.address, who };
          if (srv.upgrade(req, { data: { endpoint, state: accepted, client } })) return undefined;
          return new Response("WebSocket upgrade failed", { status: 400 });
        }
      }
      return app.fetch(req, srv);
    },
    // Our body guard answers first (JSON naming HTTP_MAX_BODY_BYTES); Bun's own limit is only a backstop.
    maxRequestBodySize: Math.max(128 * 1024 * 1024, config.limits.maxBodyBytes * 2),
    websocket: {
      idleTimeout: 120,
      sendPings: true,
      // Checked while reading: Bun closes a socket (1009) whose message would be larger.
      maxPayloadLength: config.limits.wsMaxMessageBytes,
      // Past this many unsent bytes Bun closes the socket rather than drop a published message (a gap);
      // live feeds disconnect a slow subscriber well before (see platform/live-feed/feed-topics.ts).
      backpressureLimit: 16 * 1024 * 1024,
      closeOnBackpressureLimit: true,
      open(ws) {
        sockets.add(ws);
        metrics.wsConnections.inc({ endpoint: ws.data.endpoint.name });
        ws.data.endpoint.open?.(ws);
      },
      message(ws, message) {
        const refused = refusalOf(ws, message);
        if (!refused) ws.data.endpoint.message(ws, message);
        else if (ws.data.endpoint.refuse) ws.data.endpoint.refuse(ws, message, refused);
        else ws.close(refused.name === "TooLargeError" ? 1009 : 1008, Buffer.from(refused.message).subarray(0, 120).toString());
      },
      drain(ws) {
        ws.data.endpoint.drain?.(ws);
      },
      close(ws, code, reason) {
        sockets.delete(ws);
        metrics.wsConnections.dec({ endpoint: ws.data.endpoint.name });
        ws.data.endpoint.close?.(ws, code, reason);
      },
    },
  });
  for (const endpoint of endpoints) endpoint.bind?.(server);

  const url = `http://${server.hostname === "0.0.0.0" ? "127.0.0.1" : server.hostname}:${server.port}`;
  logger.info({ url, backend: backends.kind, version: VERSION }, "gamejournal listening");
  // Once listening, so a failed start leaves no worker or timer behind.
  if (config.workers.enabled) workers.start(...modules.flatMap((m) => m.workers ?? []));
  else logger.info("built-in workers off (WORKERS_ENABLED=false): this instance serves the API only");
  for (const module of modules) module.start?.({ workers: config.workers.enabled });

  const services: Services = {
    auth,
    access,
    clock,
    journal,
    telemetry: telemetry.api,
    domains: new Map(modules.map((m) => [m.name, m.api])),
    metrics,
  };

  const firstStartAdminToken =
    secret.generated && config.auth.mode === "token"
      ? await auth.sign("admin", { scopes: ["admin"], ttlSeconds: config.auth.maxTokenTtlSeconds })
      : undefined;

  let stopping: Promise<void> | undefined;
  return {
    url,
    ...(firstStartAdminToken ? { firstStartAdminToken } : {}),
    surface: {
      routes: app.routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, path: r.path })),
      sockets: [...endpointByPath.keys()],
      procedures: Object.keys(appRouter._def.procedures),
    },
    port: server.port!,
    services,
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down");
        const deadline = performance.now() + config.shutdownTimeoutMs;
        shutdown.abort();
        const drained = server.stop(false);
        for (const ws of sockets) ws.close(1001, "server shutting down");
        // Open requests get the timeout but its last quarter (at most a second), kept for what follows.
        const drainMs = config.shutdownTimeoutMs - Math.min(1_000, config.shutdownTimeoutMs / 4);
        const timedOut = await Promise.race([drained.then(() => false), Bun.sleep(drainMs).then(() => true)]);
        if (timedOut) {
          logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "shutdown timed out; closing remaining connections");
          void server.stop(true);
        }
        // A worker or a driver waiting on a frozen dependency must not hold the process past the timeout.
        const rest = (async () => {
          await workers.stop();
          for (const module of [...modules].reverse()) await module.stop?.();
          await opened.journal.close();
          await backends.close();
        })();
        const finished = await Promise.race([rest.then(() => true), Bun.sleep(Math.max(0, deadline - performance.now())).then(() => false)]);
        if (!finished) logger.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown did not finish within the timeout; leaving the rest unfinished");
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
