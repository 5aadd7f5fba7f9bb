import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import {
  MongoMatchCheckpointStore,
  MongoMatchSummaryStore,
  SqliteMatchCheckpointStore,
  SqliteMatchSummaryStore,
  type MatchCheckpointStore,
  type MatchSummaryStore,
} from "../../server/src/matches/index.ts";
import { sharedMongo, uniqueName } from "../harness/index.ts";

/** The match stores on each real backend: SQLite files, and MongoDB (FerretDB) from the harness. */

export interface Stores {
  summaries: MatchSummaryStore;
  checkpoints: MatchCheckpointStore;
}

export interface Fixture extends AsyncDisposable {
  clock: { now(): number; t: number };
  /** Stores over fresh connections to the same data, as after a restart. */
  open(): Promise<Stores>;
}

export const MATCH_STORE_BACKENDS: Array<[string, () => Promise<Fixture>]> = [
  [
    "sqlite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "gamejournal-matches-"));
      const handles: Database[] = [];
      const clock = { t: 1_000, now: () => clock.t };
      return {
        clock,
        async open() {
          const db = openSqlite(join(dir, "documents.db"));
          handles.push(db);
          const stores = { summaries: new SqliteMatchSummaryStore(db), checkpoints: new SqliteMatchCheckpointStore(db, { clock }) };
          await Promise.all([stores.summaries.init(), stores.checkpoints.init()]);
          return stores;
        },
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
      const name = uniqueName("matches");
      const clients: MongoClient[] = [];
      const clock = { t: 1_000, now: () => clock.t };
      return {
        clock,
        async open() {
          const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
          clients.push(client);
          const db = client.db(name);
          const stores = { summaries: new MongoMatchSummaryStore(db), checkpoints: new MongoMatchCheckpointStore(db, { clock }) };
          await Promise.all([stores.summaries.init(), stores.checkpoints.init()]);
          return stores;
        },
        async [Symbol.asyncDispose]() {
          await clients[0]?.db(name).dropDatabase();
          await Promise.all(clients.map((c) => c.close()));
        },
      };
    },
  ],
];

