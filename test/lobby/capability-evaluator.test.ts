import { describe, expect, test } from "bun:test";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { CapabilityEvaluator, journalCapabilityPublisher, type CapabilityPublisher } from "../../server/src/lobby/index.ts";
import { LOBBY_STORE_BACKENDS as backends, T0, type LobbyStores, type StoreFixture } from "./backends.ts";
import { fault, setUpGame, withFault } from "./gm-events-helpers.ts";

/**
 * Capability evaluation on real stores of both backends, publishing to a real
 * journal: the rule per member, the guard against replays, and effects that
 * happen once when a step fails part way and the evaluation is retried.
 */

const iso = (ms: number) => new Date(ms).toISOString();

async function setUp(fx: StoreFixture) {
  const stores = await fx.open();
  const db = openSqlite(":memory:");
  const journal = new SqliteJournal(db);
  const publisher = journalCapabilityPublisher(journal, { clock: fx.clock });
  const published = async () => (await journal.read("lobby:events", { count: 100 })).map((e) => ({ key: e.key, data: e.data }));
  const evaluator = (over: Partial<LobbyStores> & { publisher?: CapabilityPublisher } = {}) =>
    new CapabilityEvaluator({ ...stores, publisher, clock: fx.clock, ...over });
  const gameId = await setUpGame(stores.games, "game-1", { members: ["user-1", "user-2", "user-3", "user-4"] });
  const observe = (user_id: string, planets: number, population: number) => [{ user_id, planets, population, ships_built: 0 }];
  await stores.stats.saveInitial(gameId, [...observe("user-1", 2, 10), ...observe("user-2", 2, 10), ...observe("user-3", 2, 10)], T0);
  await stores.stats.updateMax(gameId, [...observe("user-1", 3, 11), ...observe("user-2", 3, 10), ...observe("user-3", 2, 12)], T0);
  return { stores, gameId, evaluator, published, dispose: async () => (await journal.close(), db.close()) };
}

const EXPECTED_PLAYERS = [
  { user_id: "user-1", capable: true },
  { user_id: "user-2", capable: false },
  { user_id: "user-3", capable: false },
  { user_id: "user-4", capable: false },
];

describe.each(backends)("CapabilityEvaluator on %s", (_name, makeFixture) => {
  test("evaluates every member once the game is finished, stores and publishes it; a replay changes nothing", async () => {
    await using fx = await makeFixture();
    const { stores, gameId, evaluator, published, dispose } = await setUp(fx);
    expect(await evaluator().evaluate(gameId, T0)).toEqual({ evaluated: false, reason: "not_finished" });
    expect(await evaluator().evaluate("game-unknown", T0)).toEqual({ evaluated: false, reason: "unknown_game" });
    expect(await stores.capabilities.get(gameId)).toBeNull();
    await stores.games.updateStatus({ gameId, expectedFrom: "running", to: "finished", trigger: "runtime_event", at: T0 + 100 });
    fx.clock.t = T0 + 200;
    const evaluation = { game_id: gameId, evaluated_at: iso(T0 + 200), finished_at: iso(T0 + 100), players: EXPECTED_PLAYERS };
    expect(await evaluator().evaluate(gameId, T0 + 100)).toEqual({ evaluated: true, evaluation });
    fx.clock.t = T0 + 300;
    expect(await evaluator().evaluate(gameId, T0 + 100)).toEqual({ evaluated: false, reason: "already_evaluated" });
    expect(await stores.capabilities.get(gameId)).toEqual(evaluation);
    expect(await published()).toEqual([{ key: `capabilities_evaluated:${gameId}`, data: evaluation }]);
    expect(await stores.guard.markedAt(gameId)).toBe(T0 + 200);
    await dispose();
  });

  test("a failure after storing the results, or after publishing, is retried to the same single effect", async () => {
    await using fx = await makeFixture();
    const { stores, gameId, evaluator, published, dispose } = await setUp(fx);
    await stores.games.updateStatus({ gameId, expectedFrom: "running", to: "finished", trigger: "runtime_event", at: T0 + 100 });
    fx.clock.t = T0 + 200;
    const failingPublish: CapabilityPublisher = { publish: async () => Promise.reject(new Error("journal away")) };
    await expect(evaluator({ publisher: failingPublish }).evaluate(gameId, T0 + 100)).rejects.toThrow("journal away");
    expect(await stores.capabilities.get(gameId)).toMatchObject({ evaluated_at: iso(T0 + 200) });
    expect(await stores.guard.markedAt(gameId)).toBeNull();

    fx.clock.t = T0 + 300;
    const markFault = fault(gameId);
    await expect(evaluator({ guard: withFault(stores.guard, "tryMark", markFault) }).evaluate(gameId, T0 + 100)).rejects.toThrow("injected");
    expect(markFault.calls).toBe(1);
    expect(await published()).toHaveLength(1);

    fx.clock.t = T0 + 400;
    const outcome = await evaluator().evaluate(gameId, T0 + 100);
    const evaluation = { game_id: gameId, evaluated_at: iso(T0 + 200), finished_at: iso(T0 + 100), players: EXPECTED_PLAYERS };
    expect(outcome).toEqual({ evaluated: true, evaluation });
    expect(await published()).toEqual([{ key: `capabilities_evaluated:${gameId}`, data: evaluation }]);
    expect(await stores.guard.markedAt(gameId)).toBe(T0 + 400);
    expect(await evaluator().evaluate(gameId, T0 + 100)).toEqual({ evaluated: false, reason: "already_evaluated" });
    await dispose();
  });

  test("the constructor rejects each missing dependency, naming it", async () => {
    await using fx = await makeFixture();
    const { evaluator, dispose } = await setUp(fx);
    const deps = (evaluator() as unknown as { deps: Record<string, unknown> }).deps;
    for (const [key, name] of Object.entries({ games: "games", stats: "stats", capabilities: "capabilities", guard: "evaluation guard", publisher: "publisher", clock: "clock" })) {
      expect(() => new CapabilityEvaluator({ ...deps, [key]: undefined } as never)).toThrow(`new capability evaluator: no ${name}`);
    }
    await dispose();
  });
});
