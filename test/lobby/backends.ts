import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { initLobbyStores, mongoLobbyStores, sqliteLobbyStores, type LobbyStores } from "../../server/src/lobby/index.ts";
import { sharedMongo, uniqueName } from "../harness/index.ts";

export type { LobbyStores };

/** The lobby stores on each real backend: SQLite files, and MongoDB (FerretDB) from the harness. */

export interface TestClock {
  t: number;
  now(): number;
}

export interface StoreFixture extends AsyncDisposable {
  clock: TestClock;
  /** Stores over fresh connections to the same data, as after a restart. */
  open(): Promise<LobbyStores>;
}

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export function testClock(): TestClock {
  const clock = { t: T0, now: () => clock.t };
  return clock;
}

export async function sqliteStores(dir: string, clock: TestClock, handles: Database[]): Promise<LobbyStores> {
  const db = openSqlite(join(dir, "documents.db"));
  handles.push(db);
  const stores = sqliteLobbyStores(db, { clock });
  await initLobbyStores(stores);
  return stores;
}

export async function mongoStores(client: MongoClient, dbName: string, clock: TestClock): Promise<LobbyStores> {
  const stores = mongoLobbyStores(client.db(dbName), { clock });
  await initLobbyStores(stores);
  return stores;
}

export const LOBBY_STORE_BACKENDS: Array<[string, () => Promise<StoreFixture>]> = [
  [
    "sqlite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "gamejournal-lobby-"));
      const handles: Database[] = [];
      const clock = testClock();
      return {
        clock,
        open: () => sqliteStores(dir, clock, handles),
        async [Symbol.asyncDispose]() {
          for (const db of handles) db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    "mongodb",
    async () => {
      const { url } = await sharedMongo();
      const name = uniqueName("lobby");
      const clients: MongoClient[] = [];
      const clock = testClock();
      return {
        clock,
        async open() {
          const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 20 });
          clients.push(client);
          return mongoStores(client, name, clock);
        },
        async [Symbol.asyncDispose]() {
          await clients[0]?.db(name).dropDatabase();
          await Promise.all(clients.map((c) => c.close()));
        },
      };
    },
  ],
];
