import type { DomainDeps } from "../domain.ts";
import { telemetryMetrics } from "./metrics.ts";
import { RedisSubscriptionRegistry } from "./redis-registry.ts";
import { telemetryRoutes } from "./routes.ts";
import { SqliteSubscriptionRegistry } from "./sqlite-registry.ts";
import { TelemetryService } from "./telemetry.ts";

/**
 * Live telemetry over the configured backends: the subscription registry in
 * Redis (shared by every instance) or in the embedded journal database,
 * and a sweep of expired subscriptions every TTL while the server runs.
 */
export function openTelemetry({ backends, config, journal, clock, logger, metrics, shutdown }: DomainDeps & { shutdown: AbortSignal }) {
  const registryOptions = { ttlMs: config.telemetry.ttlMs, now: () => clock.now() };
  const service = new TelemetryService({
    journal,
    registry: backends.redis
      ? new RedisSubscriptionRegistry(backends.redis, registryOptions)
      : new SqliteSubscriptionRegistry(backends.sqlite("journal"), registryOptions),
    clock,
    logger: logger.child({ domain: "telemetry" }),
    ...config.telemetry,
    shutdown,
    metrics: telemetryMetrics(metrics.registry),
  });
  let sweeper: Timer | undefined;
  return {
    service,
    routes: [telemetryRoutes(service)],
    start() {
      sweeper = setInterval(() => void service.registry.sweep().catch(() => {}), config.telemetry.ttlMs);
    },
    stop() {
      clearInterval(sweeper);
    },
  };
}
