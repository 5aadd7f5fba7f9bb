import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { httpMetrics } from "./http/metrics-middleware.ts";
import { errorResponse } from "./http/respond.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics/index.ts";
import type { Services } from "./services.ts";
import type { AppRouter, CreateContext } from "./trpc/index.ts";

export interface AppDeps {
  services: Services;
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
export function createApp({ services, metrics, logger, router, createContext, routes = [] }: AppDeps): Hono {
  const app = new Hono();
  app.use(httpMetrics(metrics));

  app.get("/health", async (c) => c.json(await services.health.report()));

  app.get("/metrics", async (c) => {
    c.header("Content-Type", metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });

  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router,
      createContext: ({ req, info }) => createContext({ req, connectionParams: info.connectionParams, transport: "http" }),
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "trpc procedure failed");
      },
    }),
  );

  for (const routeGroup of routes) app.route("/", routeGroup);

  app.notFound((c) => c.json({ success: false, error: `no route for ${c.req.method} ${c.req.path}`, code: "NOT_FOUND" }, 404));
  app.onError((error, c) => errorResponse(c, error, logger));
  return app;
}
