import { describe, expect, test } from "bun:test";
import { ValidationError } from "../../server/src/errors.ts";
import { LOBBY_STORE_BACKENDS as backends, T0 } from "./backends.ts";

/** The one contract suite of `StatsStore`, on every adapter against its real backend. */

const obs = (user_id: string, planets: number, population: number, ships_built = 0) => ({ user_id, planets, population, ships_built });

describe.each(backends)("StatsStore on %s", (_name, makeFixture) => {
  test("initial is the first observation, frozen; max raises each component on its own", async () => {
    await using fx = await makeFixture();
    const { stats } = await fx.open();
    expect(await stats.get("game-1")).toEqual({ game_id: "game-1", players: [] });
    const turns = [
      [obs("user-b", 3, 10, 1), obs("user-a", 1, 5)],
      [obs("user-b", 5, 8, 0), obs("user-a", 1, 5)],
      [obs("user-b", 4, 12, 2), obs("user-a", 0, 4)],
    ];
    for (const [i, players] of turns.entries()) {
      await stats.saveInitial("game-1", players, T0 + i);
      await stats.updateMax("game-1", players, T0 + i);
    }
    await stats.saveInitial("game-1", turns[0]!, T0 + 9);
    await stats.updateMax("game-1", turns[0]!, T0 + 9);
    const expected = {
      game_id: "game-1",
      players: [
        { user_id: "user-a", initial: { planets: 1, population: 5, ships_built: 0 }, max: { planets: 1, population: 5, ships_built: 0 } },
        { user_id: "user-b", initial: { planets: 3, population: 10, ships_built: 1 }, max: { planets: 5, population: 12, ships_built: 2 } },
      ],
    };
    expect(await stats.get("game-1")).toEqual(expected);
    expect(await (await fx.open()).stats.get("game-1")).toEqual(expected);
    expect(await stats.get("game-2")).toEqual({ game_id: "game-2", players: [] });
  });

  test("a player listed twice in one call counts as its first line initially and its lines' maximum", async () => {
    await using fx = await makeFixture();
    const { stats } = await fx.open();
    const lines = [obs("user-a", 2, 9, 0), obs("user-a", 4, 1, 3)];
    await stats.saveInitial("game-1", lines, T0);
    await stats.updateMax("game-1", lines, T0);
    expect((await stats.get("game-1")).players).toEqual([
      { user_id: "user-a", initial: { planets: 2, population: 9, ships_built: 0 }, max: { planets: 4, population: 9, ships_built: 3 } },
    ]);
  });

  test("10 concurrent first observations with different values freeze exactly one of them, whole", async () => {
    await using fx = await makeFixture();
    const { stats } = await fx.open();
    for (let round = 0; round < 3; round++) {
      const gameId = `game-race${round}`;
      const calls = Array.from({ length: 10 }, (_, i) => obs("user-a", i, 100 + i, 200 + i));
      await Promise.all(calls.map((o) => stats.saveInitial(gameId, [o], T0)));
      const [player] = (await stats.get(gameId)).players;
      const i = player!.initial!.planets;
      expect(player!.initial).toEqual({ planets: i, population: 100 + i, ships_built: 200 + i });
      await stats.saveInitial(gameId, [obs("user-a", 99, 99, 99)], T0);
      expect((await stats.get(gameId)).players[0]!.initial).toEqual(player!.initial);
    }
  });

  test("10 concurrent raises lose none: each component ends at the highest value passed", async () => {
    await using fx = await makeFixture();
    const { stats } = await fx.open();
    for (let round = 0; round < 3; round++) {
      const gameId = `game-max${round}`;
      const calls = Array.from({ length: 10 }, (_, i) => obs("user-a", i, 9 - i, (i * 7) % 10));
      await Promise.all(calls.map((o) => stats.updateMax(gameId, [o, obs("user-b", i(o), 1, 1)], T0)));
      expect((await stats.get(gameId)).players.map((p) => [p.user_id, p.max])).toEqual([
        ["user-a", { planets: 9, population: 9, ships_built: 9 }],
        ["user-b", { planets: 9, population: 1, ships_built: 1 }],
      ]);
    }
    function i(o: { planets: number }) {
      return o.planets;
    }
  });

  test("bad input is a validation error naming the field, and writes nothing of the call", async () => {
    await using fx = await makeFixture();
    const { stats } = await fx.open();
    const cases: Array<[unknown, string]> = [
      [[obs("user-a", 1, 1), obs("", 1, 1)], "players[1].user_id"],
      [[obs("user-a", 1, 1), obs("user-b", -1, 1)], "players[1].planets"],
      [[obs("user-a", 1.5, 1)], "players[0].planets"],
      [[{ user_id: "user-a", planets: 1, population: 1 }], "players[0].ships_built"],
    ];
    for (const [players, field] of cases) {
      for (const write of [stats.saveInitial.bind(stats), stats.updateMax.bind(stats)]) {
        const error = await write("game-1", players as never, T0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
      }
    }
    await expect(stats.saveInitial("bad id", [obs("user-a", 1, 1)], T0)).rejects.toBeInstanceOf(ValidationError);
    expect(await stats.get("game-1")).toEqual({ game_id: "game-1", players: [] });
  });
});
