import { describe, expect, test } from "bun:test";
import { ValidationError } from "../../server/src/errors.ts";
import { LOBBY_STORE_BACKENDS as backends, T0 } from "./backends.ts";

/** The contract suites of `EvaluationGuardStore` and `CapabilityStore`, on every adapter against its real backend. */

describe.each(backends)("EvaluationGuardStore on %s", (_name, makeFixture) => {
  test("tryMark sets the mark once: of 10 concurrent calls exactly one wins, and the mark stays", async () => {
    await using fx = await makeFixture();
    const { guard } = await fx.open();
    expect(await guard.markedAt("game-1")).toBeNull();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => guard.tryMark("game-1", T0 + i)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await guard.markedAt("game-1")).toBe(T0 + winner);
    expect(await guard.tryMark("game-1", T0 + 100)).toBe(false);
    expect(await (await fx.open()).guard.markedAt("game-1")).toBe(T0 + winner);
    expect(await guard.markedAt("game-2")).toBeNull();
    await expect(guard.tryMark("", T0)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe.each(backends)("CapabilityStore on %s", (_name, makeFixture) => {
  test("save keeps the first evaluation of a game and returns it to every later save", async () => {
    await using fx = await makeFixture();
    const { capabilities } = await fx.open();
    expect(await capabilities.get("game-1")).toBeNull();
    const first = await capabilities.save("game-1", {
      evaluatedAt: T0 + 5,
      finishedAt: T0,
      players: [
        { user_id: "user-b", capable: false },
        { user_id: "user-a", capable: true },
      ],
    });
    const expected = {
      game_id: "game-1",
      evaluated_at: new Date(T0 + 5).toISOString(),
      finished_at: new Date(T0).toISOString(),
      players: [
        { user_id: "user-a", capable: true },
        { user_id: "user-b", capable: false },
      ],
    };
    expect(first).toEqual(expected);
    expect(await capabilities.save("game-1", { evaluatedAt: T0 + 9, finishedAt: T0 + 1, players: [{ user_id: "user-a", capable: false }] })).toEqual(expected);
    expect(await (await fx.open()).capabilities.get("game-1")).toEqual(expected);
  });

  test("10 concurrent saves with different results store one of them, and all return that one", async () => {
    await using fx = await makeFixture();
    const { capabilities } = await fx.open();
    const saved = await Promise.all(
      Array.from({ length: 10 }, (_, i) => capabilities.save("game-1", { evaluatedAt: T0 + i, finishedAt: T0, players: [{ user_id: `user-${i}`, capable: i % 2 === 0 }] })),
    );
    const stored = await capabilities.get("game-1");
    expect(stored).not.toBeNull();
    const i = Date.parse(stored!.evaluated_at) - T0;
    expect(stored!.players).toEqual([{ user_id: `user-${i}`, capable: i % 2 === 0 }]);
    for (const s of saved) expect(s).toEqual(stored!);
  });

  test("bad input is a validation error naming the field, and stores nothing", async () => {
    await using fx = await makeFixture();
    const { capabilities } = await fx.open();
    const cases: Array<[unknown, string]> = [
      [{ evaluatedAt: T0, finishedAt: T0, players: [{ user_id: "", capable: true }] }, "players[0].user_id"],
      [{ evaluatedAt: T0, finishedAt: T0, players: [{ user_id: "user-a", capable: "yes" }] }, "players[0].capable"],
      [{ evaluatedAt: -1, finishedAt: T0, players: [] }, "evaluatedAt"],
      [{ evaluatedAt: T0, finishedAt: T0, players: [{ user_id: "user-a", capable: true }, { user_id: "user-a", capable: false }] }, "players"],
    ];
    for (const [input, field] of cases) {
      const error = await capabilities.save("game-1", input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    expect(await capabilities.get("game-1")).toBeNull();
  });
});
