import type { Database } from "bun:sqlite";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { DependencyCheck, HealthReport } from "../health/index.ts";
import { probeDependency } from "../health/index.ts";
import type { Logger } from "../log.ts";
import { openMongo, type Mongo } from "./mongo.ts";
import { connectRedis, type RedisClient } from "./redis.ts";
import { probeRedis } from "./redis-nodes.ts";
import { openSqlite } from "./sqlite.ts";

/**
 * The storage the server runs on, chosen by the configuration:
 * - journal: Redis Streams when a Redis URI is set, else SQLite `journal.db`;
 * - documents: MongoDB when a MongoDB URI is set, else SQLite `documents.db`.
 * SQLite files live under DATA_DIR and keep their data across restarts.
 * Domains build their adapters from these handles.
 */
export interface Backends {
  readonly kind: HealthReport["backend"];
  readonly dataDir: string;
  /** Set when the journal is Redis: a standalone client, or a cluster client (JOURNAL_REDIS_CLUSTER=true). */
  readonly redis: RedisClient | undefined;
  /** Set when the documents live in MongoDB. */
  readonly mongo: Mongo | undefined;
  /** Opens (once) and returns an embedded database under DATA_DIR, e.g. `journal`. */
  sqlite(name: string): Database;
  readonly checks: DependencyCheck[];
  close(): Promise<void>;
}

export function openBackends(config: Config, logger: Logger): Backends {
  const sqliteDbs = new Map<string, Database>();
  const sqlite = (name: string): Database => {
    let db = sqliteDbs.get(name);
    if (!db) {
      db = openSqlite(join(config.dataDir, `${name}.db`));
      sqliteDbs.set(name, db);
    }
    return db;
  };

  const redis = config.redisUri ? connectRedis(config.redisUri, logger, { ...(config.redisCluster ? { cluster: config.redisCluster } : {}) }) : undefined;
  const mongo = config.mongoUri ? openMongo(config.mongoUri, { database: config.mongoDatabase }) : undefined;

  const checks: DependencyCheck[] = [];
  if (redis) {
    checks.push({
      name: "redis",
      async check() {
        let figures: { masters?: number } = {};
        const state = await probeDependency(async () => (figures = await probeRedis(redis)), 2_000);
        return { ...state, ...(config.redisCluster ? { mode: "cluster", ...figures } : {}) };
      },
    });
  }
  if (mongo) {
    checks.push({
      name: "mongodb",
      check: async () => ({ ...(await probeDependency(() => mongo.db.command({ ping: 1 }), 2_000)), database: mongo.db.databaseName }),
    });
  }
  if (!redis || !mongo) {
    checks.push({ name: "sqlite", check: () => probeDependency(async () => sqlite("journal").query("SELECT 1").get()) });
  }

  return {
    kind: { journal: redis ? "redis" : "sqlite", documents: mongo ? "mongodb" : "sqlite" },
    dataDir: config.dataDir,
    redis,
    mongo,
    sqlite,
    checks,
    async close() {
      if (redis) {
        try {
          redis.destroy();
        } catch {
          // already closed
        }
      }
      if (mongo) await mongo.client.close().catch(() => {});
      for (const db of sqliteDbs.values()) db.close();
      sqliteDbs.clear();
    },
  };
}
