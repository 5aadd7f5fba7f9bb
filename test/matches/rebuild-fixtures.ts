import { RTAPI_STREAM } from "@gamejournal/shared";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/index.ts";
import { openSqlite } from "../../server/src/backends/index.ts";
import type { Journal, JournalEntry } from "../../server/src/journal/journal.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { silentLogger } from "../../server/src/log.ts";
import { startRedis } from "../harness/index.ts";
import { asJournalEntry, MATCH_SESSION, standardMatch } from "../support/match-script.ts";
import { MATCH_STORE_BACKENDS, type Fixture } from "./backends.ts";
import type { ScenarioEntry } from "./scenarios.ts";

/**
 * What a rebuild test runs on: a journal and the match stores, on each
 * deployment's backends: SQLite for both, or Redis (a server of the test's
 * own, so the fixed stream names hold only this test's entries) with
 * MongoDB (FerretDB) from the harness.
 */
export interface RebuildFixture extends AsyncDisposable {
  journal: Journal;
  stores: Fixture;
}

export const REBUILD_BACKENDS: Array<[string, () => Promise<RebuildFixture>]> = [
  [
    "SQLite journal and SQLite stores",
    async () => {
      const db = openSqlite(":memory:");
      const journal = new SqliteJournal(db);
      const stores = await MATCH_STORE_BACKENDS[0]![1]();
      return {
        journal,
        stores,
        async [Symbol.asyncDispose]() {
          await journal.close();
          db.close();
          await stores[Symbol.asyncDispose]();
        },
      };
    },
  ],
  [
    "Redis journal and MongoDB stores",
    async () => {
      const redis = await startRedis();
      const client = createClient({ url: redis.url }) as RedisClient;
      await client.connect();
      const journal = new RedisJournal(client, silentLogger());
      const stores = await MATCH_STORE_BACKENDS[1]![1]();
      return {
        journal,
        stores,
        async [Symbol.asyncDispose]() {
          await journal.close();
          client.destroy();
          await redis[Symbol.asyncDispose]();
          await stores[Symbol.asyncDispose]();
        },
      };
    },
  ],
];

/** A scripted match under a session of its own: its entries, its match id. */
export function asMatch(entries: ScenarioEntry[], session: string = crypto.randomUUID()): { matchId: string; entries: ScenarioEntry[] } {
  return { matchId: `${session}.default-node`, entries: JSON.parse(JSON.stringify(entries).replaceAll(MATCH_SESSION, session)) as ScenarioEntry[] };
}

/** The standard match's entries. */
export function standardEntries(): ScenarioEntry[] {
  return standardMatch().map((frame) => [RTAPI_STREAM, asJournalEntry(frame)]);
}

/**
 * Appends the entries as ingest and the journaling API would (a frame's data
 * is `{frame, node, event_types}`), in order, and returns them as stored,
 * with their ids: what a worker reads.
 */
export async function journalEntries(journal: Journal, entries: ScenarioEntry[]): Promise<ScenarioEntry[]> {
  const stored: ScenarioEntry[] = [];
  for (const [stream, { id: _id, ...event }] of entries) {
    const data = event.type === "frame" ? { frame: event.data, node: "default-node", event_types: [] } : event.data;
    const [result] = await journal.append([{ stream, event: { ...event, data } }]);
    stored.push([stream, { ...event, data, id: result!.id! } as JournalEntry]);
  }
  return stored;
}
