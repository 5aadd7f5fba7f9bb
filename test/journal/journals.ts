import { createClient, createCluster } from "redis";
import type { RedisClient } from "../../server/src/backends/index.ts";
import { openSqlite } from "../../server/src/backends/index.ts";
import type { Journal } from "../../server/src/journal/journal.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { silentLogger } from "../../server/src/log.ts";
import { sharedRedis, sharedRedisCluster } from "../harness/index.ts";

export type DisposableJournal = Journal & AsyncDisposable;

/**
 * Both journal adapters, each on a real backend, for suites that must hold on
 * both; the Redis one twice: on one server, and on a three-master Redis
 * Cluster through the cluster client (streams then spread over the masters).
 */
export const JOURNALS: Array<[string, () => Promise<DisposableJournal>]> = [
  [
    "sqlite",
    async () => {
      const db = openSqlite(":memory:");
      const journal = new SqliteJournal(db);
      return Object.assign(journal, {
        async [Symbol.asyncDispose]() {
          await journal.close();
          db.close();
        },
      });
    },
  ],
  ["redis", async () => redisJournalOn(createClient({ url: (await sharedRedis()).url }) as RedisClient)],
  ["redis cluster", async () => redisJournalOn(createCluster({ rootNodes: [{ url: (await sharedRedisCluster()).url }] }))],
];

/** A Redis journal over `client` (standalone or cluster), connected; disposing closes both. */
async function redisJournalOn(client: RedisClient): Promise<DisposableJournal> {
  await client.connect();
  const journal = new RedisJournal(client, silentLogger());
  return Object.assign(journal, {
    async [Symbol.asyncDispose]() {
      await journal.close();
      client.destroy();
    },
  });
}
