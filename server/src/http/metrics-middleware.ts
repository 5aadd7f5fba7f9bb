import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "../metrics/index.ts";

/** Counts requests and times them by route pattern (never the raw path, to keep label sets small). */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async function recordHttpMetrics(c, next) {
    const started = performance.now();
    await next();
    const route = routePath(c, -1) === "/*" ? "unmatched" : routePath(c, -1);
    const method = c.req.method;
    metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
    metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
  };
}
