import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { SeriesCounter, SeriesHistogram } from "./series.ts";

/**
 * One Prometheus registry per server instance (never the global default, so
 * tests can run several servers in one process). Domains register their own
 * metrics on `registry` when they are constructed.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: SeriesCounter<"method" | "route" | "status">;
  readonly httpDuration: SeriesHistogram<"method" | "route">;
  readonly wsConnections: Gauge<"endpoint">;
}

export function createMetrics({ defaults = true }: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: "gamejournal_" });
  return {
    registry,
    httpRequests: new SeriesCounter({
      name: "gamejournal_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registry,
    }),
    httpDuration: new SeriesHistogram({
      name: "gamejournal_http_request_duration_seconds",
      help: "HTTP request duration by method and route pattern",
      labelNames: ["method", "route"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registry,
    }),
    wsConnections: new Gauge({
      name: "gamejournal_websocket_connections",
      help: "Open WebSocket connections by endpoint",
      labelNames: ["endpoint"],
      registers: [registry],
    }),
  };
}
