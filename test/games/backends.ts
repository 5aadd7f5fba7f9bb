import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { batchDocuments, type EventDocument } from "../../server/src/games/store/event-documents-mongo.ts";
import { MongoGameEventStore, SqliteGameEventStore, type GameEventStore, type NewEvent } from "../../server/src/games/store/index.ts";
import { sharedMongo, uniqueName } from "../harness/index.ts";

/** The game event store on each real backend: a SQLite file, and MongoDB (FerretDB) from the harness. */

export interface EventStoreFixture extends AsyncDisposable {
  /** The clock every store of the fixture reads; tests set `t`. */
  clock: { t: number; now(): number };
  /** An initialised store over a fresh connection to the same data, as another instance or after a restart. */
  open(): Promise<GameEventStore>;
  /**
   * Leaves behind what an append killed between its writes leaves: on
   * MongoDB the head document alone (written with the driver, as the store
   * lays it out), on SQLite a transaction that inserted the first event and
   * whose connection closed before committing.
   */
  tornAppend(gameId: string, expectedVersion: number, events: NewEvent[], commandId: string | null): Promise<void>;
}

export interface MongoEventStoreFixture extends EventStoreFixture {
  client: MongoClient;
  database: string;
}

export async function openSqliteFixture(): Promise<EventStoreFixture & { path: string }> {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-games-"));
  const path = join(dir, "documents.db");
  const handles: Database[] = [];
  const clock = { t: 1_000, now: () => clock.t };
  return {
    clock,
    path,
    async open() {
      const db = openSqlite(path);
      handles.push(db);
      const store = new SqliteGameEventStore(db, { clock });
      await store.init();
      return store;
    },
    async tornAppend(gameId, expectedVersion, events, commandId) {
      const db = openSqlite(path);
      db.exec("BEGIN IMMEDIATE");
      const first = events[0]!;
      db.query("INSERT INTO game_events (game_id, event_id, type, player_id, timestamp, data, command_id) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        gameId,
        expectedVersion + 1,
        first.type,
        first.playerId,
        clock.now(),
        JSON.stringify(first.data),
        commandId,
      );
      db.close(); // dies before COMMIT
    },
    async [Symbol.asyncDispose]() {
      for (const db of handles) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openMongoFixture(): Promise<MongoEventStoreFixture> {
  const { url } = await sharedMongo();
  const database = uniqueName("games");
  const clients: MongoClient[] = [];
  const connect = () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    clients.push(client);
    return client;
  };
  const client = connect();
  const clock = { t: 1_000, now: () => clock.t };
  return {
    clock,
    client,
    database,
    async open() {
      const store = new MongoGameEventStore(connect().db(database), { clock });
      await store.init();
      return store;
    },
    async tornAppend(gameId, expectedVersion, events, commandId) {
      const [head] = batchDocuments({
        gameId,
        first: expectedVersion + 1,
        events: events.map((e) => ({ type: e.type, playerId: e.playerId, json: JSON.stringify(e.data) })),
        commandId,
        timestamp: clock.now(),
        summary: undefined,
      });
      await client.db(database).collection<EventDocument>("events").insertOne(head!);
    },
    async [Symbol.asyncDispose]() {
      await client.db(database).dropDatabase().catch(() => {});
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

export const GAME_EVENT_STORE_BACKENDS: Array<[string, () => Promise<EventStoreFixture>]> = [
  ["sqlite", openSqliteFixture],
  ["mongodb", openMongoFixture],
];
