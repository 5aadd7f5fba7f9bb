import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** What a live feed reports, so each kind of feed keeps its own metrics (lobby telemetry, journal streams, games). */
export interface FeedMetrics {
  subscriberOpened(transport: string): void;
  subscriberClosed(transport: string, reason: "done" | "slow" | "error"): void;
  /**
   * `count` deliveries (an event to `count` subscribers, or a replayed page
   * to one); `latencySeconds` for a live event only, observed once.
   */
  delivered(transport: string, count: number, latencySeconds?: number): void;
}

/**
 * A kind of feed's Prometheus metrics, by transport (`ws`, `sse`):
 * `gamejournal_<prefix>_subscribers`, `..._events_delivered_total`,
 * `..._slow_consumer_disconnects_total` and `..._delivery_latency_seconds`.
 */
export function prometheusFeedMetrics(registry: Registry, prefix: string, what: string): FeedMetrics {
  const subscribers = new Gauge({
    name: `gamejournal_${prefix}_subscribers`,
    help: `Live ${what} subscribers, by transport`,
    labelNames: ["transport"],
    registers: [registry],
  });
  const delivered = new Counter({
    name: `gamejournal_${prefix}_events_delivered_total`,
    help: `${what} events handed to subscribers, by transport`,
    labelNames: ["transport"],
    registers: [registry],
  });
  const slow = new Counter({
    name: `gamejournal_${prefix}_slow_consumer_disconnects_total`,
    help: "Subscribers ended because they fell more than their buffer behind",
    labelNames: ["transport"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: `gamejournal_${prefix}_delivery_latency_seconds`,
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
