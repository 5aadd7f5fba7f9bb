import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { prometheusFeedMetrics } from "../platform/live-feed/index.ts";
import { RedisSubscriptionRegistry } from "./redis-registry.ts";
import { telemetryRouter } from "./router.ts";
import { telemetryRoutes } from "./routes.ts";
import { SqliteSubscriptionRegistry } from "./sqlite-registry.ts";
import { TelemetryService, type TelemetryApi } from "./telemetry.ts";

/**
 * Live telemetry over the configured backends: the subscription registry in
 * Redis (shared by every instance) or in the embedded journal database,
 * and a sweep of expired subscriptions every TTL while the server runs.
 * The journal it is given must derive the lobby writes (lobby-writes.ts).
 */
export function openTelemetry({ backends, config, journal, feeds, clock, logger, metrics, shutdown }: PlatformDeps): DomainModule<"telemetry", TelemetryApi> {
  const registryOptions = { ttlMs: config.telemetry.ttlMs, clock };
  const service = new TelemetryService({
    journal,
    feeds,
    registry: backends.redis
      ? new RedisSubscriptionRegistry(backends.redis, registryOptions)
      : new SqliteSubscriptionRegistry(backends.sqlite("journal"), registryOptions),
    clock,
    logger: logger.child({ domain: "telemetry" }),
    lobbyStreamMaxLen: config.telemetry.lobbyStreamMaxLen,
    ttlMs: config.telemetry.ttlMs,
    shutdown,
    metrics: prometheusFeedMetrics(metrics.registry, "telemetry", "lobby"),
  });
  let sweeper: Timer | undefined;
  return {
    name: "telemetry",
    api: service,
    router: telemetryRouter(service),
    routes: [telemetryRoutes(service)],
    start() {
      sweeper = setInterval(() => void service.registry.sweep().catch(() => {}), config.telemetry.ttlMs);
    },
    stop() {
      clearInterval(sweeper);
    },
  };
}
