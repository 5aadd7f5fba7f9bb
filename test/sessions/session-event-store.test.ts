import { describe, expect, test } from "bun:test";
import { MongoClient } from "mongodb";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { UnavailableError } from "../../server/src/errors.ts";
import { MongoSessionEventStore, SqliteSessionEventStore } from "../../server/src/sessions/index.ts";
import { freePort } from "../harness/index.ts";
import { eventOf, LOBBY_A } from "./fixtures.ts";
import { sessionEventStoreContract } from "./session-event-store.contract.ts";
import { openMongoStore, openSqliteStore } from "./stores.ts";

sessionEventStoreContract("sqlite", openSqliteStore);
sessionEventStoreContract("mongodb", openMongoStore);

describe("MongoSessionEventStore", () => {
  test("init creates the seeds' indexes on the configured collection", async () => {
    await using f = await openMongoStore();
    const indexes = await f.client.db(f.database).collection(f.collection).indexes();
    expect(indexes.map((i) => i.key)).toEqual(
      expect.arrayContaining([
        { _id: 1 },
        { match_id: 1 },
        { match_id: 1, timestamp: 1 },
        { lobby_session_id: 1 },
        { lobby_session_id: 1, timestamp: 1 },
      ]),
    );
  });

  test("stores the seed's document shape, with the event id as _id and BSON dates", async () => {
    await using f = await openMongoStore();
    const event = eventOf({ index: 7, node: "n1", user: "u1" });
    await f.store.store(event);
    const raw = await f.client.db(f.database).collection(f.collection).findOne({});
    expect(raw).toEqual({
      _id: event.id as never,
      lobby_session_id: LOBBY_A,
      match_id: `${LOBBY_A}.n1`,
      node: "n1",
      user_id: "u1",
      frame_index: 7,
      frame: event.frame,
      event_types: ["round_started"],
      timestamp: event.timestamp,
      created_at: event.created_at,
      updated_at: event.updated_at,
    });
  });

  test("rejects with UnavailableError when MongoDB cannot be reached", async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${freePort()}/`, { serverSelectionTimeoutMS: 300 });
    try {
      const store = new MongoSessionEventStore(client.db("nowhere"));
      expect(await store.store(eventOf()).catch((e: unknown) => e)).toBeInstanceOf(UnavailableError);
      expect(await store.byLobbySession(LOBBY_A).catch((e: unknown) => e)).toBeInstanceOf(UnavailableError);
    } finally {
      await client.close();
    }
  });
});

describe("SqliteSessionEventStore", () => {
  test("keeps stored events when the database is opened again", async () => {
    await using f = await openSqliteStore();
    const event = eventOf({ index: 1 });
    await f.store.store(event);
    const again = openSqlite(f.path);
    try {
      const reopened = new SqliteSessionEventStore(again, "events_under_test");
      await reopened.init();
      expect((await reopened.byLobbySession(LOBBY_A)).events).toEqual([event]);
      expect(await reopened.store(event)).toEqual({ stored: 0 });
    } finally {
      again.close();
    }
  });

  test("refuses a table name that is not a plain identifier", () => {
    const db = openSqlite(":memory:");
    try {
      expect(() => new SqliteSessionEventStore(db, "x; DROP TABLE y")).toThrow(/bad table name/);
    } finally {
      db.close();
    }
  });
});
