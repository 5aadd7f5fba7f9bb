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
  /**
   * Changes a stored summary by hand, behind the store's back (as an operator
   * with a database shell would): sets `set`'s fields (times as ISO strings)
   * and removes the fields named in `unset`.
   */
  editByHand(matchId: string, set: Record<string, unknown>, unset?: string[]): Promise<void>;
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
        async editByHand(matchId, set, unset = []) {
          const db = handles[0]!;
          const row = db.query<{ summary: string }, [string]>("SELECT summary FROM match_summaries WHERE match_id = ?").get(matchId);
          const summary = { ...JSON.parse(row!.summary), ...set };
          for (const field of unset) delete summary[field];
          db.query("UPDATE match_summaries SET summary = ? WHERE match_id = ?").run(JSON.stringify(summary), matchId);
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
        async editByHand(matchId, set, unset = []) {
          const times = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, k.endsWith("_at") && typeof v === "string" ? new Date(v) : v]));
          await clients[0]!.db(name).collection("match_summaries").updateOne(
            { match_id: matchId },
            { ...(Object.keys(times).length > 0 ? { $set: times } : {}), ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((f) => [f, ""])) } : {}) },
          );
        },
        async [Symbol.asyncDispose]() {
          await clients[0]?.db(name).dropDatabase();
          await Promise.all(clients.map((c) => c.close()));
        },
      };
    },
  ],
];

