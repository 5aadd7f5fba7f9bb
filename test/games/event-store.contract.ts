import { describe, expect, test } from "bun:test";
import { ConcurrencyError, type GameEventStore } from "../../server/src/games/store/index.ts";
import type { EventStoreFixture } from "./backends.ts";
import { ev, failure, ids, summary } from "./event-helpers.ts";
import { eventStoreQueryContract } from "./event-store-queries.contract.ts";

/** Appends one command of `size` events at whatever version the game is at now, retrying on conflict. */
async function appendWithRetry(store: GameEventStore, gameId: string, commandId: string, size: number) {
  for (;;) {
    const version = await store.version(gameId);
    try {
      return await store.append(gameId, version, Array.from({ length: size }, (_, i) => ev(`E${i}`, { commandId, i })), commandId, {
        summary: summary("playing", [`after-${commandId}`]),
      });
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
}

/**
 * The behaviour every GameEventStore adapter must have, against its real
 * backend. Each test takes a fixture of its own (a fresh file or database).
 */
export function gameEventStoreContract(name: string, makeFixture: () => Promise<EventStoreFixture>): void {
  describe(`GameEventStore contract: ${name}`, () => {
    test("numbers a game's events 1, 2, 3… and reads back exactly what was appended", async () => {
      await using fx = await makeFixture();
      const store = await fx.open();
      fx.clock.t = 5_000;
      const odd = { "a.b": 1, $c: [true, null, "é ✓"], nested: { deep: [{ x: -0.5 }] }, big: 2 ** 40 };
      const created = await store.append("g1", 0, [ev("GameCreated", { seed: 7 }, null)], "create");
      expect(created).toEqual({
        events: [{ gameId: "g1", eventId: 1, type: "GameCreated", playerId: null, timestamp: 5_000, data: { seed: 7 }, commandId: "create" }],
        version: 1,
        duplicate: false,
      });
      fx.clock.t = 6_000;
      const played = await store.append("g1", 1, [ev("CardPlayed", odd, 2), ev("TurnEnded", "text", 2), ev("Marker", null, null)], "c2");
      expect(played.version).toBe(4);
      expect(played.events.map((e) => [e.eventId, e.type, e.timestamp, e.commandId])).toEqual([
        [2, "CardPlayed", 6_000, "c2"],
        [3, "TurnEnded", 6_000, "c2"],
        [4, "Marker", 6_000, "c2"],
      ]);
      const read = await store.read("g1");
      expect(read).toEqual([...created.events, ...played.events]);
      expect(read[1]!.data).toEqual(odd);
      expect(await (await fx.open()).read("g1")).toEqual(read);
      // Anything JSON drops is dropped on the way in, as in the answer.
      const lossy = await store.append("g1", 4, [ev("Lossy", { keep: 1, drop: undefined, at: new Date(0) })], null);
      expect(lossy.events[0]!.data).toEqual({ keep: 1, at: "1970-01-01T00:00:00.000Z" });
      expect((await store.read("g1", { after: 4 }))[0]!.data).toEqual(lossy.events[0]!.data);
    });

    test("an append at a version other than the game's is a ConcurrencyError and stores nothing", async () => {
      await using fx = await makeFixture();
      const store = await fx.open();
      await store.append("g", 0, [ev("A"), ev("B")], "c1");
      for (const expected of [0, 1, 3, 7]) {
        const error = await failure(store.append("g", expected, [ev("X")], `stale-${expected}`));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ code: "CONFLICT", expectedVersion: expected, actualVersion: 2 });
        expect((error as Error).message).toContain(`expected version ${expected}`);
        expect((error as Error).message).toContain("at version 2");
      }
      expect(ids(await store.read("g"))).toEqual([1, 2]);
      // None of the refused command ids was recorded: they apply once the caller catches up.
      expect((await store.append("g", 2, [ev("X")], "stale-0")).duplicate).toBe(false);
      const missing = await failure(store.append("nowhere", 3, [ev("X")], null));
      expect(missing).toMatchObject({ expectedVersion: 3, actualVersion: 0 });
      expect(await store.version("nowhere")).toBe(0);
    });

    test("creating a game that exists conflicts, also from another instance", async () => {
      await using fx = await makeFixture();
      const [a, b] = [await fx.open(), await fx.open()];
      await a.append("g", 0, [ev("GameCreated")], "create-1");
      expect(await failure(b.append("g", 0, [ev("GameCreated")], "create-2"))).toBeInstanceOf(ConcurrencyError);
      expect(await failure(a.append("g", 0, [ev("GameCreated")], null))).toBeInstanceOf(ConcurrencyError);
      expect(ids(await b.read("g"))).toEqual([1]);
    });

    test("of 20 concurrent appends at one version from two instances exactly one wins", async () => {
      await using fx = await makeFixture();
      const [a, b] = [await fx.open(), await fx.open()];
      await a.append("race", 0, [ev("GameCreated")], "create");
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append("race", 1, [ev("Move", { i }), ev("TurnEnded", { i })], `move-${i}`)),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const r of lost) expect(r.reason).toBeInstanceOf(ConcurrencyError);
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<GameEventStore["append"]>>>).value;
      const log = await b.read("race");
      expect(ids(log)).toEqual([1, 2, 3]);
      expect(log.slice(1)).toEqual(winner.events);
      expect(await a.version("race")).toBe(3);
    });

    test("200 commands from 4 writers that retry on conflict leave ids 1..N without gaps, each command applied once", async () => {
      await using fx = await makeFixture();
      const writers = await Promise.all([0, 1, 2, 3].map(() => fx.open()));
      const sizes = Array.from({ length: 200 }, (_, i) => 1 + (i % 3));
      const results = await Promise.all(
        writers.map(async (store, w) => {
          const mine = [];
          for (let i = w; i < sizes.length; i += writers.length) {
            const result = await appendWithRetry(store, "busy", `cmd-${i}`, sizes[i]!);
            expect(result.duplicate).toBe(false);
            // A retry after a lost reply finds the command applied, whatever the version now.
            if (i % 10 === 0) expect(await store.append("busy", await store.version("busy"), [ev("Again")], `cmd-${i}`)).toEqual({ ...result, duplicate: true });
            mine.push({ commandId: `cmd-${i}`, result });
          }
          return mine;
        }),
      );
      const total = sizes.reduce((a, b) => a + b, 0);
      const log = await writers[0]!.read("busy", { limit: 10_000 });
      expect(ids(log)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      for (const { commandId, result } of results.flat()) {
        const events = log.filter((e) => e.commandId === commandId);
        expect(events).toEqual(result.events);
        expect(events.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: events.length }, (_, i) => i));
        expect(ids(events)).toEqual(Array.from({ length: events.length }, (_, i) => result.version - events.length + 1 + i));
      }
      expect(new Set(log.map((e) => e.commandId)).size).toBe(200);
      expect(await writers[3]!.latestId("busy")).toBe(total);
      const [listing] = await writers[1]!.listGames();
      const lastCommand = log.at(-1)!.commandId;
      expect(listing).toMatchObject({ gameId: "busy", version: total, players: [{ playerId: 1, name: `after-${lastCommand}` }] });
    }, 120_000);

    test("a command id already applied returns the first result and stores nothing, across restarts and whatever the version", async () => {
      await using fx = await makeFixture();
      const store = await fx.open();
      fx.clock.t = 10_000;
      const first = await store.append("g", 0, [ev("GameCreated"), ev("PlayerJoined")], "create");
      fx.clock.t = 20_000;
      expect(await store.append("g", 0, [ev("GameCreated"), ev("PlayerJoined")], "create")).toEqual({ ...first, duplicate: true });
      await store.append("g", 2, [ev("Later")], "later");
      const restarted = await fx.open();
      // Other events, another version: the first result all the same.
      expect(await restarted.append("g", 3, [ev("Different", { x: 9 })], "create")).toEqual({ ...first, duplicate: true });
      expect(await restarted.append("g", 0, [ev("Different")], "create")).toEqual({ ...first, duplicate: true });
      expect(ids(await restarted.read("g"))).toEqual([1, 2, 3]);
      expect((await restarted.read("g")).slice(0, 2)).toEqual(first.events);
    });

    test("concurrent retries of one command apply it once and all get its result", async () => {
      await using fx = await makeFixture();
      const [a, b] = [await fx.open(), await fx.open()];
      await a.append("g", 0, [ev("GameCreated")], "create");
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).append("g", 1, [ev("Move"), ev("TurnEnded")], "move")));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      for (const r of results) expect(r.events).toEqual(results[0]!.events);
      expect(ids(await a.read("g"))).toEqual([1, 2, 3]);
    });

    test("findCommand answers a command's first result without appending, from any instance, and null for one never applied", async () => {
      await using fx = await makeFixture();
      const [a, b] = [await fx.open(), await fx.open()];
      const created = await a.append("g", 0, [ev("GameCreated")], "create");
      const moved = await a.append("g", 1, [ev("Move"), ev("TurnEnded")], "move");
      expect(await b.findCommand("g", "create")).toEqual({ ...created, duplicate: true });
      // The game's latest command too.
      expect(await b.findCommand("g", "move")).toEqual({ ...moved, duplicate: true });
      expect(await b.findCommand("g", "never")).toBeNull();
      expect(await b.findCommand("other", "move")).toBeNull();
      expect(ids(await b.read("g"))).toEqual([1, 2, 3]);
      // A command an append killed between its writes left committed is found as well (on SQLite nothing was committed).
      await fx.tornAppend("g", 3, [ev("CardPlayed"), ev("TurnEnded")], "torn");
      const restarted = await fx.open();
      const found = await restarted.findCommand("g", "torn");
      expect(found === null ? 3 : found.version).toBe(await restarted.version("g"));
      expect(await failure(restarted.findCommand("g", ""))).toMatchObject({ code: "VALIDATION" });
    });

    test("command ids are per game, and a null command id is never deduplicated", async () => {
      await using fx = await makeFixture();
      const store = await fx.open();
      expect((await store.append("one", 0, [ev("A")], "same")).duplicate).toBe(false);
      expect((await store.append("two", 0, [ev("A")], "same")).duplicate).toBe(false);
      await store.append("one", 1, [ev("B")], null);
      const again = await store.append("one", 2, [ev("B")], null);
      expect(again).toMatchObject({ version: 3, duplicate: false });
      expect(ids(await store.read("one"))).toEqual([1, 2, 3]);
      expect(ids(await store.read("two"))).toEqual([1]);
    });

    test("an append killed between its writes shows all of its events or none, and the log goes on without gap or repeat", async () => {
      await using fx = await makeFixture();
      const store = await fx.open();
      await store.append("g", 0, [ev("GameCreated")], "create");
      const batch = [ev("CardPlayed", { a: 1 }), ev("SpicesDiscarded", { b: 2 }), ev("TurnEnded", { c: 3 })];
      await fx.tornAppend("g", 1, batch, "torn");
      const restarted = await fx.open();
      const version = await restarted.latestId("g");
      expect([1, 4]).toContain(version);
      const seen = await restarted.read("g");
      expect(ids(seen)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      if (version === 4) expect(seen.slice(1).map((e) => [e.type, e.data, e.commandId])).toEqual(batch.map((e) => [e.type, e.data, "torn"]));
      for (let id = 1; id <= 5; id++) expect(await restarted.exists("g", id)).toBe(id <= version);
      // A writer naming a version inside that append cannot slip its events between the torn ones.
      for (const inside of [2, 3]) {
        expect(await failure(restarted.append("g", inside, [ev("Sneak")], null))).toMatchObject({ code: "CONFLICT", actualVersion: version });
      }
      expect(ids(await restarted.read("g"))).toEqual(ids(seen));
      // The caller retries the command: applied once either way.
      const retried = await restarted.append("g", 1, batch, "torn");
      expect(retried.duplicate).toBe(version === 4);
      expect(ids(retried.events)).toEqual([2, 3, 4]);
      expect((await restarted.append("g", 4, [ev("Next")], "next")).version).toBe(5);
      expect(ids(await store.read("g"))).toEqual([1, 2, 3, 4, 5]);
      expect((await store.read("g", { after: 1, limit: 3 })).map((e) => e.type)).toEqual(["CardPlayed", "SpicesDiscarded", "TurnEnded"]);
    });

    eventStoreQueryContract(makeFixture);
  });
}
