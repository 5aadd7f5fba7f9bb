import { describe, expect, test } from "bun:test";
import { MongoClient } from "mongodb";
import { UnavailableError } from "../../server/src/errors.ts";
import { MongoGameEventStore, SqliteGameEventStore } from "../../server/src/games/store/index.ts";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { freePort } from "../harness/index.ts";
import { GAME_EVENT_STORE_BACKENDS, openMongoFixture, openSqliteFixture } from "./backends.ts";
import { ev, ids, summary } from "./event-helpers.ts";
import { gameEventStoreContract } from "./event-store.contract.ts";

for (const [name, makeFixture] of GAME_EVENT_STORE_BACKENDS) gameEventStoreContract(name, makeFixture);

describe("MongoGameEventStore", () => {
  test("init creates the seed's events indexes: unique (gameId, eventId), (gameId, timestamp), (gameId, type)", async () => {
    await using fx = await openMongoFixture();
    await fx.open();
    const indexes = await fx.client.db(fx.database).collection("events").indexes();
    expect(indexes.map((i) => [i.key, i.unique ?? false])).toEqual(
      expect.arrayContaining([
        [{ gameId: 1, eventId: 1 }, true],
        [{ gameId: 1, timestamp: 1 }, false],
        [{ gameId: 1, type: 1 }, false],
        [{ gameId: 1, cmdKey: 1 }, true],
      ]),
    );
  });

  test("stores one document an event in the seed's shape, the first of an append carrying the others", async () => {
    await using fx = await openMongoFixture();
    const store = await fx.open();
    fx.clock.t = Date.parse("2025-12-03T16:46:43.437Z");
    await store.append("test-game-1", 0, [ev("GameCreated", { numPlayers: 2 }, null), ev("PlayerJoined", { name: "ann" }, 1)], "create");
    const docs = await fx.client.db(fx.database).collection("events").find({ gameId: "test-game-1" }).sort({ eventId: 1 }).toArray();
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ gameId: "test-game-1", eventId: 1, type: "GameCreated", playerId: null, timestamp: new Date(fx.clock.t), commandId: "create" });
    expect(docs[0]!.rest).toEqual([{ type: "PlayerJoined", playerId: 1, data: '{"name":"ann"}' }]);
    expect(docs[1]).toMatchObject({ eventId: 2, type: "PlayerJoined", playerId: 1, data: '{"name":"ann"}', commandId: "create", head: false });
  });

  test("a missing middle document is served from its batch's first and written again by the next append", async () => {
    await using fx = await openMongoFixture();
    const store = await fx.open();
    await store.append("g", 0, [ev("A"), ev("B"), ev("C")], "abc");
    const events = fx.client.db(fx.database).collection("events");
    await events.deleteOne({ gameId: "g", eventId: 2 });
    await events.deleteOne({ gameId: "g", eventId: 3 });
    expect(ids(await store.read("g"))).toEqual([1, 2, 3]);
    expect(await store.exists("g", 3)).toBe(true);
    expect(await store.version("g")).toBe(3);
    // The next writer checks the batch it follows: its last document is missing, so it completes the batch first.
    await store.append("g", 3, [ev("D")], "d");
    expect((await events.find({ gameId: "g" }).sort({ eventId: 1 }).toArray()).map((d) => d.eventId)).toEqual([1, 2, 3, 4]);
    // A retry of the torn command completes its documents too.
    await events.deleteOne({ gameId: "g", eventId: 2 });
    expect((await store.append("g", 0, [ev("A")], "abc")).duplicate).toBe(true);
    expect(await events.countDocuments({ gameId: "g" })).toBe(4);
  });

  test("a torn append (its first document only) is completed on disk by the next append and listed", async () => {
    await using fx = await openMongoFixture();
    const store = await fx.open();
    await store.append("g", 0, [ev("GameCreated")], "create");
    await fx.tornAppend("g", 1, [ev("A"), ev("B"), ev("C")], "torn");
    const events = fx.client.db(fx.database).collection("events");
    expect(await events.countDocuments({ gameId: "g" })).toBe(2);
    expect(await store.version("g")).toBe(4);
    await store.append("g", 4, [ev("D")], "d");
    expect((await events.find({ gameId: "g" }).sort({ eventId: 1 }).toArray()).map((d) => [d.eventId, d.commandId])).toEqual([
      [1, "create"],
      [2, "torn"],
      [3, "torn"],
      [4, "torn"],
      [5, "d"],
    ]);
    expect((await store.listGames()).map((g) => [g.gameId, g.version])).toEqual([["g", 5]]);
  });

  test("a retried command is found when its writer died before its lookup row, whatever version the retry names", async () => {
    await using fx = await openMongoFixture();
    const store = await fx.open();
    const commands = fx.client.db(fx.database).collection("game_commands");
    await store.append("g", 0, [ev("GameCreated")], "create");
    await fx.tornAppend("g", 1, [ev("A"), ev("B")], "died"); // its head only: no tails, no lookup row, no directory
    // At a stale version: not at the version it names, but it is the game's latest batch.
    expect(await store.append("g", 0, [ev("X")], "died")).toMatchObject({ version: 3, duplicate: true });
    await commands.deleteMany({});
    // At the version after it: the unique index refuses it while the id is free, so it is looked up by (gameId, cmdKey).
    expect(await store.append("g", 3, [ev("X")], "died")).toMatchObject({ version: 3, duplicate: true });
    await commands.deleteMany({});
    // The next append writes the lookup row of the batch it follows, so the command stays found once it is not the latest.
    await store.append("g", 3, [ev("Next")], "next");
    expect(await commands.countDocuments({ commandId: "died" })).toBe(1);
    expect(await store.append("g", 1, [ev("X")], "died")).toMatchObject({ version: 3, duplicate: true });
    expect(await store.append("g", 0, [ev("X")], "died")).toMatchObject({ version: 3, duplicate: true });
    expect(ids(await store.read("g"))).toEqual([1, 2, 3, 4]);
    expect((await store.read("g")).map((e) => e.commandId)).toEqual(["create", "died", "died", "next"]);
  });

  test("the directory catches up with an append whose writer died before writing its row", async () => {
    await using fx = await openMongoFixture();
    const store = await fx.open();
    for (let v = 0; v < 3; v++) await store.append("g", v, [ev("E")], `c${v + 1}`, { summary: summary("waiting") });
    fx.clock.t = 9_000;
    await fx.tornAppend("g", 3, [ev("GameStarted"), ev("E")], "died"); // no tails, no directory row update
    expect(await store.listGames()).toMatchObject([{ gameId: "g", version: 3 }]);
    // Any later write of the game checks the row against the log; here a retry of an old command.
    expect((await store.append("g", 0, [ev("E")], "c1")).duplicate).toBe(true);
    expect(await store.listGames()).toMatchObject([{ gameId: "g", version: 5, updatedAt: 9_000, status: "waiting" }]);
    const rows = fx.client.db(fx.database).collection("game_directory");
    // A row moved back (as a late read-modify-write on FerretDB can) is only where version() starts its walk.
    await rows.updateOne({ _id: "g" as never }, { $set: { version: 1 } });
    expect(await store.version("g")).toBe(5);
    await store.append("g", 5, [ev("E")], null, { summary: summary("playing") });
    expect(await store.listGames()).toMatchObject([{ gameId: "g", version: 6, status: "playing" }]);
  });

  test("rejects with UnavailableError when MongoDB cannot be reached", async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${freePort()}/`, { serverSelectionTimeoutMS: 300 });
    try {
      const store = new MongoGameEventStore(client.db("nowhere"), { clock: { now: () => 0 } });
      expect(await store.append("g", 0, [ev("A")], null).catch((e: unknown) => e)).toBeInstanceOf(UnavailableError);
      expect(await store.read("g").catch((e: unknown) => e)).toBeInstanceOf(UnavailableError);
      expect(await store.version("g").catch((e: unknown) => e)).toBeInstanceOf(UnavailableError);
    } finally {
      await client.close();
    }
  });
});

describe("SqliteGameEventStore", () => {
  test("keeps acknowledged events when the file is opened again", async () => {
    await using fx = await openSqliteFixture();
    const store = await fx.open();
    const first = await store.append("g", 0, [ev("A"), ev("B")], "ab");
    const db = openSqlite(fx.path);
    try {
      const reopened = new SqliteGameEventStore(db, { clock: fx.clock });
      await reopened.init();
      expect(await reopened.read("g")).toEqual(first.events);
      expect(await reopened.append("g", 2, [ev("A")], "ab")).toEqual({ ...first, duplicate: true });
    } finally {
      db.close();
    }
  });

  test("constructors refuse a missing dependency", () => {
    expect(() => new SqliteGameEventStore(undefined as never, { clock: { now: () => 0 } })).toThrow(/no database handle/);
    expect(() => new MongoGameEventStore({} as never, { clock: undefined as never })).toThrow(/no clock/);
  });
});
