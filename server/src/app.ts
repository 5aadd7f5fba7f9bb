import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { Hono, type MiddlewareHandler } from "hono";
import { cuttableStream } from "./http/cuttable-stream.ts";
import { httpMetrics } from "./http/metrics-middleware.ts";
import { errorResponse } from "./http/respond.ts";
import { describeRoute, docsRoutes, openApiDocument } from "./http/openapi/index.ts";
import { consoleRoutes } from "./console/routes.ts";
import { VERSION } from "./version.ts";
import type { Access } from "./auth/access.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics/index.ts";
import type { HealthReport, ReadinessReport } from "./health/index.ts";
import type { AppRouter, CreateContext } from "./trpc/index.ts";
import { callTrpcMutation } from "./trpc/http-mutation.ts";
import { callTrpcSubscription } from "./trpc/http-subscription.ts";

const API_DESCRIPTION = [
  "The REST edge of gamejournal, the event backbone for multiplayer game servers.",
  "Every route is also reachable over tRPC (`/trpc/<procedure>`, plain JSON, no transformer) and many over GraphQL (`/graphql`).",
  "Credentials: a token or server key as `Authorization: Bearer …` (or `?token=`); each operation's `x-scope` names the scope it needs in AUTH_MODE=token.",
  "Errors are `{success: false, error, code, field?}`.",
].join(" ");

export interface AppDeps {
  health: { report(): Promise<HealthReport> };
  /** `GET /ready`: 200 when this instance should take traffic, else 503 with the reasons. */
  ready?: { report(): Promise<ReadinessReport> };
  /** Run before the caller is identified (CORS, which must answer preflights as they come). */
  before?: MiddlewareHandler[];
  /** Run after the caller is identified and before any route (rate limits, then the body guard). */
  guards?: MiddlewareHandler[];
  /** Identifies every request's caller once (`c.get("identity")`); routes then `need` a scope. */
  access: Access;
  metrics: Metrics;
  logger: Logger;
  router: AppRouter;
  createContext: CreateContext;
  /** Domain REST routes, mounted at the root. */
  routes?: Hono[];
}

/**
 * The HTTP surface: `/health`, `/ready`, `/metrics`, tRPC over HTTP at `/trpc`
 * (batched queries and mutations, SSE subscriptions), and the domains' REST
 * routes. WebSocket upgrades are handled before this app (see server.ts).
 */
export function createApp({ health, ready, before = [], guards = [], metrics, logger, access, router, createContext, routes = [] }: AppDeps): Hono {
  const app = new Hono();
  app.use(httpMetrics(metrics));
  for (const middleware of before) app.use(middleware);
  app.use(async function identifyCaller(c, next) {
    c.set("identity", await access.identify(c.req.raw));
    await next();
  });
  for (const middleware of guards) app.use(middleware);

  app.get("/health", describeRoute({ summary: "health of the server and its dependencies (always 200)", tags: ["system"], responses: { 200: { description: "`status` healthy or degraded, the backends and each dependency" } } }), async (c) =>
    c.json(await health.report()),
  );

  if (ready) {
    app.get("/ready", describeRoute({ summary: "Readiness: 503 while a dependency is down, the spool is past its threshold, a worker is stalled or shutdown has begun", tags: ["system"], responses: { 200: { description: "ready" }, 503: { description: "not ready, with the reasons" } } }), async (c) => {
      const report = await ready.report();
      return c.json(report, report.ready ? 200 : 503);
    });
  }

  app.get("/metrics", describeRoute({ summary: "Prometheus metrics", tags: ["system"], responses: { 200: { description: "Prometheus text format", contentType: "text/plain" } } }), async (c) => {
    c.header("Content-Type", metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });

  const onError = ({ error, path }: { error: TRPCError; path?: string | undefined }) => {
    if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "trpc procedure failed");
  };

  app.all("/trpc/*", async (c) => {
    let req = c.req.raw;
    // A single mutation (the hot ingest calls) is answered without the fetch adapter's generic handling.
    const direct = await callTrpcMutation(req, "/trpc", {
      router,
      createContext: () => createContext({ req, transport: "http", identity: c.get("identity") }),
      onError,
    });
    if (direct instanceof Response) return direct;
    if (direct) req = direct;
    // A subscription returning a live feed is written by the live feed's SSE writer (serialised once for every subscriber).
    const feed = await callTrpcSubscription(req, "/trpc", {
      router,
      createContext: (source) => createContext({ req, ...source, ...(source.connectionParams?.token ? {} : { identity: c.get("identity") }) }),
      onError,
      onCut: (reason) => {
        logger.warn({ reason }, "cutting a slow SSE subscriber");
        (c.env as { timeout?: (req: Request, seconds: number) => void } | undefined)?.timeout?.(req, 1);
      },
    });
    if (feed) return feed;
    // An SSE subscription can be cut by the server (a subscriber that stopped reading).
    let cut: ((reason: string) => void) | undefined;
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req,
      router,
      createContext: ({ req, info }) =>
        createContext({ req, connectionParams: info.connectionParams, transport: "http", disconnect: (reason) => cut?.(reason), ...(info.connectionParams?.token ? {} : { identity: c.get("identity") }) }),
      onError,
    });
    if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) return response;
    const body = cuttableStream(response.body);
    cut = (reason) => {
      logger.warn({ reason }, "cutting a slow SSE subscriber");
      // A last event the tRPC client reads as an error, in case the peer is slow rather than stuck.
      const shape = { message: reason, code: TRPC_ERROR_CODES_BY_KEY.TOO_MANY_REQUESTS, data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } };
      body.cut(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`);
      // Its socket may still hold unsent bytes the peer will never read: close it once idle for a second.
      (c.env as { timeout?: (req: Request, seconds: number) => void } | undefined)?.timeout?.(c.req.raw, 1);
    };
    return new Response(body.stream, response);
  });

  for (const routeGroup of routes) app.route("/", routeGroup);
  app.route("/", consoleRoutes());
  app.route("/", docsRoutes(() => openApiDocument(app, { title: "gamejournal", version: VERSION, description: API_DESCRIPTION })));

  app.notFound((c) => c.json({ success: false, error: `no route for ${c.req.method} ${c.req.path}`, code: "NOT_FOUND" }, 404));
  app.onError((error, c) => errorResponse(c, error, logger));
  return app;
}
