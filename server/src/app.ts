import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { Hono } from "hono";
import { cuttableStream } from "./http/cuttable-stream.ts";
import { httpMetrics } from "./http/metrics-middleware.ts";
import { errorResponse } from "./http/respond.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics/index.ts";
import type { HealthReport } from "./health/index.ts";
import type { AppRouter, CreateContext } from "./trpc/index.ts";
import { callTrpcMutation } from "./trpc/http-mutation.ts";
import { callTrpcSubscription } from "./trpc/http-subscription.ts";

export interface AppDeps {
  health: { report(): Promise<HealthReport> };
  metrics: Metrics;
  logger: Logger;
  router: AppRouter;
  createContext: CreateContext;
  /** Domain REST routes, mounted at the root. */
  routes?: Hono[];
}

/**
 * The HTTP surface: `/health`, `/metrics`, tRPC over HTTP at `/trpc`
 * (batched queries and mutations, SSE subscriptions), and the domains' REST
 * routes. WebSocket upgrades are handled before this app (see server.ts).
 */
export function createApp({ health, metrics, logger, router, createContext, routes = [] }: AppDeps): Hono {
  const app = new Hono();
  app.use(httpMetrics(metrics));

  app.get("/health", async (c) => c.json(await health.report()));

  app.get("/metrics", async (c) => {
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
      createContext: () => createContext({ req, transport: "http" }),
      onError,
    });
    if (direct instanceof Response) return direct;
    if (direct) req = direct;
    // A subscription returning a live feed is written by the live feed's SSE writer (serialised once for every subscriber).
    const feed = await callTrpcSubscription(req, "/trpc", {
      router,
      createContext: (source) => createContext({ req, ...source }),
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
        createContext({ req, connectionParams: info.connectionParams, transport: "http", disconnect: (reason) => cut?.(reason) }),
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

  app.notFound((c) => c.json({ success: false, error: `no route for ${c.req.method} ${c.req.path}`, code: "NOT_FOUND" }, 404));
  app.onError((error, c) => errorResponse(c, error, logger));
  return app;
}
