import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "../metrics/index.ts";

interface RouteSeries {
  inc(): void;
  observe(seconds: number): void;
}

/**
 * Counts requests and times them by route pattern (never the raw path, to
 * keep label sets small). Each (method, route, status)'s series is looked up
 * once and kept (see metrics/series.ts). The keys are route patterns, so
 * the map is as small as the label sets.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  const series = new Map<string, RouteSeries>();
  function seriesOf(method: string, route: string, status: string): RouteSeries {
    const key = `${method} ${status} ${route}`;
    let found = series.get(key);
    if (!found) {
      const requests = metrics.httpRequests.series({ method, route, status });
      const duration = metrics.httpDuration.series({ method, route });
      found = { inc: () => requests.inc(), observe: (seconds) => duration.observe(seconds) };
      series.set(key, found);
    }
    return found;
  }
  return async function recordHttpMetrics(c, next) {
    const started = performance.now();
    await next();
    const pattern = routePath(c, -1);
    const one = seriesOf(c.req.method, pattern === "/*" ? "unmatched" : pattern, String(c.res.status));
    one.inc();
    one.observe((performance.now() - started) / 1000);
  };
}
