import { createClient, type RedisClientType } from "redis";
import type { Logger } from "../log.ts";

export type RedisClient = RedisClientType;

/** Resolves when `client` is ready, or after `timeoutMs` (then the caller runs degraded and the client keeps trying). */
export async function redisReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.isReady) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const onReady = () => done(true);
    client.once("ready", onReady);
    function done(ready: boolean) {
      clearTimeout(timer);
      client.off("ready", onReady);
      resolve(ready);
    }
  });
}

/**
 * A node-redis client that reconnects forever with capped exponential
 * backoff and never crashes the process on a connection error: errors are
 * logged once per outage, and commands issued while disconnected fail fast
 * (`disableOfflineQueue`) so callers can fall back (the journal spools).
 * Connecting starts here but is not awaited; `/health` reports the state.
 */
export function connectRedis(url: string, logger: Logger, { name = "redis" }: { name?: string } = {}): RedisClient {
  let down = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
    },
  }) as RedisClient;
  client.on("error", (error: Error) => {
    if (!down) logger.warn({ err: error.message, dependency: name }, "redis connection lost; reconnecting");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger.info({ dependency: name }, "redis connection restored");
    down = false;
  });
  client.connect().catch((error: Error) => {
    logger.warn({ err: error.message, dependency: name }, "redis connect failed");
  });
  return client;
}
