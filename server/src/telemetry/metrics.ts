import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { TelemetryMetricsSink } from "./telemetry.ts";

/** Live telemetry's Prometheus metrics, by transport (`ws`, `sse`). */
export function telemetryMetrics(registry: Registry): TelemetryMetricsSink {
  const subscribers = new Gauge({
    name: "gamejournal_telemetry_subscribers",
    help: "Live lobby subscribers, by transport",
    labelNames: ["transport"],
    registers: [registry],
  });
  const delivered = new Counter({
    name: "gamejournal_telemetry_events_delivered_total",
    help: "Lobby events handed to subscribers, by transport",
    labelNames: ["transport"],
    registers: [registry],
  });
  const slow = new Counter({
    name: "gamejournal_telemetry_slow_consumer_disconnects_total",
    help: "Subscribers ended because they fell more than their buffer behind",
    labelNames: ["transport"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "gamejournal_telemetry_delivery_latency_seconds",
    help: "From a live event's journal id (its append time) to handing it to subscribers' transport (replayed events are not timed)",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  return {
    subscriberOpened: (transport) => subscribers.inc({ transport }),
    subscriberClosed(transport, reason) {
      subscribers.dec({ transport });
      if (reason === "slow") slow.inc({ transport });
    },
    delivered(transport, count, seconds) {
      if (count > 0) delivered.inc({ transport }, count);
      if (seconds !== undefined) latency.observe(seconds);
    },
  };
}
