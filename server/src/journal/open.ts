import type { Backends } from "../backends/index.ts";
import type { Config } from "../config.ts";
import type { DependencyCheck } from "../health/index.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import type { Journal } from "./journal.ts";
import { RedisJournal } from "./redis-journal.ts";
import { SpoolingJournal } from "./spool.ts";
import { SqliteJournal } from "./sqlite-journal.ts";

export interface OpenedJournal {
  journal: Journal;
  /** Set on Redis: appends that could not reach Redis wait here. */
  spool: SpoolingJournal | undefined;
  /** Replaces the plain redis check: reports the spool depth and is down while anything is spooled. */
  check: DependencyCheck | undefined;
}

/**
 * The journal the configuration selects: Redis Streams behind a local spool
 * (`DATA_DIR/spool.db`), or SQLite (`DATA_DIR/journal.db`).
 */
export function openJournal(backends: Backends, config: Config, logger: Logger, clock: Clock): OpenedJournal {
  const window = { idempotencyWindowMs: config.journal.idempotencyWindowMs, clock, waitReplicas: config.redisWait };
  const redis = backends.redis;
  if (!redis) return { journal: new SqliteJournal(backends.sqlite("journal"), window), spool: undefined, check: undefined };
  const spool = new SpoolingJournal(new RedisJournal(redis, logger, window), backends.sqlite("spool"), () => redis.isReady, logger);
  const redisCheck = backends.checks.find((c) => c.name === "redis");
  return {
    journal: spool,
    spool,
    check: {
      name: "redis",
      async check() {
        const state = (await redisCheck?.check()) ?? { status: "up" as const };
        const depth = spool.spoolDepth;
        return { ...state, ...(depth > 0 && state.status === "up" ? { status: "degraded" as const } : {}), spool_depth: depth };
      },
    },
  };
}
