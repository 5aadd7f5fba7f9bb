import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { MongoSessionEventStore, SqliteSessionEventStore } from "../../server/src/sessions/index.ts";
import { sharedMongo, uniqueName } from "../harness/index.ts";
import type { StoreFixture } from "./session-event-store.contract.ts";

/** A SQLite-backed store in its own temporary directory, with a table name other than the default. */
export async function openSqliteStore(): Promise<StoreFixture & { path: string }> {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-sessions-"));
  const path = join(dir, "documents.db");
  const db = openSqlite(path);
  const store = new SqliteSessionEventStore(db, "events_under_test");
  await store.init();
  return {
    store,
    path,
    async [Symbol.asyncDispose]() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A MongoDB-backed store on the harness's server, in a database and collection of its own. */
export async function openMongoStore(): Promise<StoreFixture & { client: MongoClient; database: string; collection: string }> {
  const { url } = await sharedMongo();
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  const database = uniqueName("sessions");
  const collection = uniqueName("events");
  const store = new MongoSessionEventStore(client.db(database), collection);
  await store.init();
  return {
    store,
    client,
    database,
    collection,
    async [Symbol.asyncDispose]() {
      await client.db(database).dropDatabase().catch(() => {});
      await client.close();
    },
  };
}

/** Both adapters, by name, for suites that run against each. */
export const STORE_FIXTURES = { sqlite: openSqliteStore, mongodb: openMongoStore } as const;
