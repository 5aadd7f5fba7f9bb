import { expect, test } from "bun:test";
import { TooLargeError, ValidationError } from "../../server/src/errors.ts";
import type { GameEventStore } from "../../server/src/games/store/index.ts";
import type { EventStoreFixture } from "./backends.ts";
import { ev, failure, ids, summary } from "./event-helpers.ts";

/** Appends `count` single-event commands to a new game, the clock at 1000 * id for event `id`. */
async function gameOf(fx: EventStoreFixture, store: GameEventStore, gameId: string, count: number): Promise<void> {
  for (let v = 0; v < count; v++) {
    fx.clock.t = 1_000 * (v + 1);
    await store.append(gameId, v, [ev("E", { v: v + 1 })], `${gameId}-${v + 1}`);
  }
}

/** The reads, the directory, snapshots and input checks of the contract (see event-store.contract.ts). */
export function eventStoreQueryContract(makeFixture: () => Promise<EventStoreFixture>): void {
  test("read returns the events after an id, ascending, at most limit, never splitting the order", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    await gameOf(fx, store, "g", 10);
    await store.append("g", 10, [ev("A"), ev("B"), ev("C")], "batch"); // 11..13
    await gameOf(fx, store, "other", 2);
    expect(ids(await store.read("g"))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(ids(await store.read("g", { after: 4, limit: 3 }))).toEqual([5, 6, 7]);
    expect(ids(await store.read("g", { after: 9, limit: 3 }))).toEqual([10, 11, 12]);
    expect(ids(await store.read("g", { after: 11, limit: 1 }))).toEqual([12]);
    expect(ids(await store.read("g", { after: 12 }))).toEqual([13]);
    expect(await store.read("g", { after: 13 })).toEqual([]);
    expect(await store.read("g", { after: 99 })).toEqual([]);
    expect(await store.read("unknown")).toEqual([]);
    expect((await store.read("g", { after: 0, limit: 13 })).every((e) => e.gameId === "g")).toBe(true);
  });

  test("read's default limit is 1000", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    for (let v = 0; v < 1_010; v += 100) await store.append("long", v, Array.from({ length: 100 }, () => ev("E")), null);
    expect(ids(await store.read("long"))).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    expect(ids(await store.read("long", { after: 1_000 }))).toEqual(Array.from({ length: 100 }, (_, i) => 1_001 + i));
  });

  test("readByTime returns the events stamped within [from, to], ascending", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    await gameOf(fx, store, "g", 6); // event i at 1000 * i
    fx.clock.t = 7_000;
    await store.append("g", 6, [ev("X"), ev("Y")], null); // 7, 8 share 7000
    await gameOf(fx, store, "other", 8);
    expect(ids(await store.readByTime("g", 2_000, 4_000))).toEqual([2, 3, 4]);
    expect(ids(await store.readByTime("g", 2_001, 3_999))).toEqual([3]);
    expect(ids(await store.readByTime("g", 6_500, 9_000))).toEqual([7, 8]);
    expect(ids(await store.readByTime("g", 0, 10_000, { limit: 2 }))).toEqual([1, 2]);
    expect(await store.readByTime("g", 8_000, 9_000)).toEqual([]);
    expect((await store.readByTime("g", 7_000, 7_000)).map((e) => e.timestamp)).toEqual([7_000, 7_000]);
  });

  test("version, latestId and exists follow the log", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    expect(await store.version("g")).toBe(0);
    expect(await store.latestId("g")).toBe(0);
    expect(await store.exists("g", 1)).toBe(false);
    await store.append("g", 0, [ev("A"), ev("B")], null);
    await store.append("g", 2, [ev("C")], null);
    expect(await store.version("g")).toBe(3);
    expect(await (await fx.open()).latestId("g")).toBe(3);
    expect(await Promise.all([0, 1, 2, 3, 4].map((id) => store.exists("g", id)))).toEqual([false, true, true, true, false]);
    expect(await store.exists("h", 1)).toBe(false);
  });

  test("keeps the newest snapshot; an older save does not replace it", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    expect(await store.loadSnapshot("g")).toBeNull();
    await gameOf(fx, store, "g", 5);
    await store.saveSnapshot("g", 3, { round: 3, hands: { "1": ["c1"] } });
    expect(await store.loadSnapshot("g")).toEqual({ version: 3, state: { round: 3, hands: { "1": ["c1"] } } });
    await store.saveSnapshot("g", 2, { round: 2 });
    expect(await store.loadSnapshot("g")).toEqual({ version: 3, state: { round: 3, hands: { "1": ["c1"] } } });
    await store.saveSnapshot("g", 4, { round: 4 });
    await store.saveSnapshot("g", 5, { round: 5 });
    await store.saveSnapshot("g", 1, { round: 1 });
    const restarted = await fx.open();
    expect(await restarted.loadSnapshot("g")).toEqual({ version: 5, state: { round: 5 } });
    expect(await restarted.loadSnapshot("other")).toBeNull();
    const beyond = await failure(store.saveSnapshot("g", 6, { round: 6 }));
    expect(beyond).toBeInstanceOf(ValidationError);
    expect(beyond).toMatchObject({ field: "version" });
    // Saving at the kept version again keeps one of the two: either is the state at that version.
    await restarted.saveSnapshot("g", 5, { round: "five" });
    expect([{ round: 5 }, { round: "five" }] as unknown[]).toContainEqual((await store.loadSnapshot("g"))!.state);
    expect((await store.loadSnapshot("g"))!.version).toBe(5);
  });

  test("lists games newest first with their latest summary, by status, a page at a time", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    fx.clock.t = 1_000;
    await store.append("a", 0, [ev("GameCreated")], null, { summary: summary("waiting", []) });
    fx.clock.t = 2_000;
    await store.append("b", 0, [ev("GameCreated")], null, { summary: summary("waiting", []) });
    await store.append("c", 0, [ev("GameCreated")], null); // no summary yet; same createdAt as b
    fx.clock.t = 3_000;
    await store.append("a", 1, [ev("PlayerJoined"), ev("GameStarted")], null, { summary: summary("playing", ["ann", "bob"]) });
    fx.clock.t = 4_000;
    await store.append("a", 3, [ev("Other")], null); // no summary: keeps the last one
    expect(await store.listGames()).toEqual([
      { gameId: "c", status: null, numPlayers: null, players: [], version: 1, createdAt: 2_000, updatedAt: 2_000 },
      { gameId: "b", status: "waiting", numPlayers: 2, players: [], version: 1, createdAt: 2_000, updatedAt: 2_000 },
      {
        gameId: "a",
        status: "playing",
        numPlayers: 2,
        players: [{ playerId: 1, name: "ann" }, { playerId: 2, name: "bob" }],
        version: 4,
        createdAt: 1_000,
        updatedAt: 4_000,
      },
    ]);
    expect((await store.listGames({ status: "waiting" })).map((g) => g.gameId)).toEqual(["b"]);
    expect((await store.listGames({ status: "finished" })).map((g) => g.gameId)).toEqual([]);
    expect((await store.listGames({ limit: 2 })).map((g) => g.gameId)).toEqual(["c", "b"]);
    expect((await store.listGames({ limit: 2, after: "b" })).map((g) => g.gameId)).toEqual(["a"]);
    expect((await store.listGames({ after: "c" })).map((g) => g.gameId)).toEqual(["b", "a"]);
    await store.append("b", 1, [ev("GameFinished")], null, { summary: summary("finished") });
    expect((await (await fx.open()).listGames({ status: "finished" })).map((g) => [g.gameId, g.version])).toEqual([["b", 2]]);
    expect(await failure(store.listGames({ after: "nope" }))).toMatchObject({ field: "after" });
  });

  test("refuses bad input with an error naming the field, and changes nothing", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    await store.append("g", 0, [ev("GameCreated")], "create");
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["gameId", () => store.append("", 1, [ev("A")], null)],
      ["gameId", () => store.append(42 as unknown as string, 1, [ev("A")], null)],
      ["expectedVersion", () => store.append("g", -1, [ev("A")], null)],
      ["expectedVersion", () => store.append("g", 1.5, [ev("A")], null)],
      ["events", () => store.append("g", 1, [], null)],
      ["events", () => store.append("g", 1, "A" as never, null)],
      ["events", () => store.append("g", 1, Array.from({ length: 101 }, () => ev("A")), null)],
      ["events[1].type", () => store.append("g", 1, [ev("A"), ev("")], null)],
      ["events[0].playerId", () => store.append("g", 1, [{ type: "A", playerId: "1", data: {} } as never], null)],
      ["events[0].data", () => store.append("g", 1, [{ type: "A", playerId: null, data: undefined }], null)],
      ["events[0].data", () => store.append("g", 1, [ev("A", { n: 10n })], null)],
      ["commandId", () => store.append("g", 1, [ev("A")], "")],
      ["summary.status", () => store.append("g", 1, [ev("A")], null, { summary: { ...summary("playing"), status: "paused" as never } })],
      ["gameId", () => store.read("")],
      ["after", () => store.read("g", { after: -1 })],
      ["limit", () => store.read("g", { limit: 0 })],
      ["limit", () => store.read("g", { limit: 10_001 })],
      ["toMs", () => store.readByTime("g", 5, 4)],
      ["fromMs", () => store.readByTime("g", Number.NaN, 4)],
      ["eventId", () => store.exists("g", -1)],
      ["gameId", () => store.version("")],
      ["limit", () => store.listGames({ limit: 501 })],
      ["status", () => store.listGames({ status: "paused" as never })],
      ["version", () => store.saveSnapshot("g", 0, {})],
      ["state", () => store.saveSnapshot("g", 1, undefined)],
    ];
    for (const [field, call] of cases) {
      const error = await failure(call());
      expect(error, `${field}: ${String(error)}`).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as Error).message).toContain(field);
    }
    const huge = await failure(store.append("g", 1, [ev("A", "x".repeat(5 * 1024 * 1024))], null));
    expect(huge).toBeInstanceOf(TooLargeError);
    expect(ids(await store.read("g"))).toEqual([1]);
    expect(await store.loadSnapshot("g")).toBeNull();
    expect((await store.append("g", 1, [ev("A")], null)).version).toBe(2);
  });

  test("init can run again, and from several instances at once", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    await store.append("g", 0, [ev("A")], "c");
    await Promise.all([store.init(), (await fx.open()).init(), (await fx.open()).init()]);
    expect(ids(await store.read("g"))).toEqual([1]);
    expect((await store.append("g", 0, [ev("A")], "c")).duplicate).toBe(true);
  });
}
