import { MongoClient } from "mongodb";
import { join } from "node:path";
import { openSqlite } from "../../server/src/backends/index.ts";
import { sharedMongo, startRedis, uniqueName, type ServiceHandle } from "../harness/index.ts";
import type { TestServer } from "../support/server.ts";

/**
 * The two deployments a server test of summaries runs on. The Redis one gets
 * a Redis of its own: the journal's stream names are fixed, and a shared
 * Redis holds every test's frames, which a rebuild would read and the live
 * worker fold into this test's database.
 */

export interface Deployment extends AsyncDisposable {
  env: Record<string, string>;
  /** Changes a stored summary behind the server's back. */
  editByHand(server: TestServer, matchId: string, set: Record<string, unknown>): Promise<void>;
  /** Deletes a match's stored session events behind the server's back. */
  deleteSessionEvents(server: TestServer, matchId: string): Promise<void>;
}

export const DEPLOYMENTS: Array<[string, () => Promise<Deployment>]> = [
  [
    "embedded SQLite",
    async () => ({
      env: {},
      async editByHand(server, matchId, set) {
        const db = openSqlite(join(server.dataDir, "documents.db"));
        const row = db.query<{ summary: string }, [string]>("SELECT summary FROM match_summaries WHERE match_id = ?").get(matchId)!;
        db.query("UPDATE match_summaries SET summary = ? WHERE match_id = ?").run(JSON.stringify({ ...JSON.parse(row.summary), ...set }), matchId);
        db.close();
      },
      async deleteSessionEvents(server, matchId) {
        const db = openSqlite(join(server.dataDir, "documents.db"));
        db.query("DELETE FROM session_events WHERE match_id = ?").run(matchId);
        db.close();
      },
      async [Symbol.asyncDispose]() {},
    }),
  ],
  [
    "Redis and MongoDB",
    async () => {
      const redis: ServiceHandle = await startRedis();
      const { url } = await sharedMongo();
      const database = uniqueName("db");
      const client = new MongoClient(url);
      const db = client.db(database);
      return {
        env: { JOURNAL_REDIS_URI: redis.url, MONGODB_URI: url, MONGODB_DATABASE: database },
        async editByHand(_server, matchId, set) {
          const stored = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, k.endsWith("_at") && typeof v === "string" ? new Date(v) : v]));
          await db.collection("match_summaries").updateOne({ match_id: matchId }, { $set: stored });
        },
        async deleteSessionEvents(_server, matchId) {
          await db.collection("session_events").deleteMany({ match_id: matchId });
        },
        async [Symbol.asyncDispose]() {
          await db.dropDatabase().catch(() => {});
          await client.close();
          await redis[Symbol.asyncDispose]();
        },
      };
    },
  ],
];

