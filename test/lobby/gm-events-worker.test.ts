import { describe, expect, test } from "bun:test";
import { GmEventsWorker, type GameStore } from "../../server/src/lobby/index.ts";
import { waitFor } from "../harness/index.ts";
import { T0 } from "./backends.ts";
import { fault, finishEntry, logged, setUpGame, snapshotEntry, withFault } from "./gm-events-helpers.ts";
import { WORKER_BACKENDS } from "./worker-fixtures.ts";

/**
 * LOBBY.md's cases 1-12, each driving the real worker against a real stream
 * on both deployments: SQLite stores + the journal stream, and MongoDB
 * (FerretDB) stores + a Redis stream fed with XADD.
 */

const iso = (ms: number) => new Date(ms).toISOString();

describe.each(WORKER_BACKENDS)("gm events worker on %s", (_name, makeFixture) => {
  test("1. undecodable entries are logged and skipped, and the offset moves past them", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1");
    const bad: Array<Record<string, string>> = [
      { game_id: gameId, current_turn: "1" },
      { kind: "turn_generated", game_id: gameId },
      { kind: "runtime_snapshot_update", game_id: "not a game" },
      { kind: "runtime_snapshot_update", game_id: gameId, current_turn: "-3" },
      { kind: "runtime_snapshot_update", game_id: gameId, current_turn: "three" },
      { kind: "runtime_snapshot_update", game_id: gameId, current_turn: "4", player_turn_stats: "[{oops" },
      { kind: "game_finished", game_id: gameId, finished_at_ms: "0" },
      { kind: "game_finished", game_id: gameId, finished_at_ms: "-1" },
    ];
    const badIds: string[] = [];
    for (const fields of bad) badIds.push(await fx.append(fields));
    const good = await fx.append({ ...snapshotEntry(gameId, 5), kind: "", event_type: "runtime_snapshot_update" });
    fx.start();
    await fx.waitForOffset(good);
    const decode = logged(fx, "decode gm event");
    expect(decode.map((l) => l.stream_entry_id)).toEqual(badIds);
    for (const line of decode) expect(line).toMatchObject({ level: "warn", worker: "lobby.gmevents", stream: fx.source().stream });
    expect(await fx.stores.games.get(gameId)).toMatchObject({ status: "running", runtime_snapshot: { current_turn: 5, engine_health_summary: "healthy at turn 5" } });
    expect((await fx.stores.stats.get(gameId)).players).toEqual([]);
  });

  test("2. a snapshot for an unknown game is ignored and the offset moves on", async () => {
    await using fx = await makeFixture();
    const known = await setUpGame(fx.stores.games, "game-known");
    await fx.append(snapshotEntry("game-unknown", 3));
    const last = await fx.append(snapshotEntry(known, 4));
    fx.start();
    await fx.waitForOffset(last);
    expect(await fx.stores.games.get("game-unknown")).toBeNull();
    expect(logged(fx, "apply runtime snapshot")).toEqual([]);
    expect((await fx.stores.games.get(known))!.runtime_snapshot?.current_turn).toBe(4);
  });

  test("3. stats: the first observation is stored once, the maxima rise with later events; ships_built is optional", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1", { members: ["user-a", "user-b"] });
    fx.start();
    await fx.append(snapshotEntry(gameId, 1, [{ user_id: "user-a", planets: 3, population: 10, ships_built: 1 }]));
    await fx.append(snapshotEntry(gameId, 2, [{ user_id: "user-a", planets: 5, population: 8 }, { user_id: "user-b", planets: 2, population: 2 }]));
    const last = await fx.append(snapshotEntry(gameId, 3, [{ user_id: "user-a", planets: 4, population: 12, ships_built: 2 }, { user_id: "user-b", planets: 1, population: 1 }]));
    await fx.waitForOffset(last);
    expect(await fx.stores.stats.get(gameId)).toEqual({
      game_id: gameId,
      players: [
        { user_id: "user-a", initial: { planets: 3, population: 10, ships_built: 1 }, max: { planets: 5, population: 12, ships_built: 2 } },
        { user_id: "user-b", initial: { planets: 2, population: 2, ships_built: 0 }, max: { planets: 2, population: 2, ships_built: 0 } },
      ],
    });
    expect((await fx.stores.games.get(gameId))!.runtime_snapshot).toEqual({
      current_turn: 3,
      runtime_status: "running",
      engine_health_summary: "healthy at turn 3",
      updated_at: iso(T0),
    });
  });

  test("4. game_finished on a running and on a paused game: finished by runtime_event, counted once, evaluated with the stored finished_at", async () => {
    await using fx = await makeFixture();
    const a = await setUpGame(fx.stores.games, "game-a", { members: ["user-1", "user-2", "user-3"] });
    const b = await setUpGame(fx.stores.games, "game-b", { members: ["user-1"], status: "paused" });
    await fx.append(snapshotEntry(a, 1, [{ user_id: "user-1", planets: 3, population: 10 }, { user_id: "user-2", planets: 3, population: 10 }]));
    await fx.append(finishEntry(a, T0 + 50_000, [{ user_id: "user-1", planets: 5, population: 12 }, { user_id: "user-2", planets: 4, population: 10 }]));
    const last = await fx.append(finishEntry(b, T0 + 60_000));
    fx.clock.t = T0 + 70_000;
    fx.start();
    await fx.waitForOffset(last);
    expect(await fx.stores.games.get(a)).toMatchObject({ status: "finished", finished_at: iso(T0 + 50_000), runtime_snapshot: { current_turn: 99 } });
    expect(await fx.stores.games.get(b)).toMatchObject({ status: "finished", finished_at: iso(T0 + 60_000) });
    expect(await fx.transitions("running", "finished", "runtime_event")).toBe(1);
    expect(await fx.transitions("paused", "finished", "runtime_event")).toBe(1);
    const evaluationA = {
      game_id: a,
      evaluated_at: iso(T0 + 70_000),
      finished_at: iso(T0 + 50_000),
      players: [
        { user_id: "user-1", capable: true },
        { user_id: "user-2", capable: false },
        { user_id: "user-3", capable: false },
      ],
    };
    expect(await fx.stores.capabilities.get(a)).toEqual(evaluationA);
    expect(await fx.stores.capabilities.get(b)).toMatchObject({ finished_at: iso(T0 + 60_000), players: [{ user_id: "user-1", capable: false }] });
    const published = await fx.published();
    expect(published.map((e) => e.key)).toEqual([`capabilities_evaluated:${a}`, `capabilities_evaluated:${b}`]);
    expect(published[0]!.data).toEqual(evaluationA);
    expect(logged(fx, "game finished", a)[0]).toMatchObject({ from_status: "running", to_status: "finished", trigger: "runtime_event", worker: "lobby.gmevents" });
    expect(logged(fx, "game finished processed").map((l) => l.game_id)).toEqual([a, b]);
  });

  test("5. without finished_at_ms the game finishes at the clock's time", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1", { members: ["user-1"] });
    fx.clock.t = T0 + 12_345;
    const last = await fx.append(finishEntry(gameId));
    fx.start();
    await fx.waitForOffset(last);
    expect(await fx.stores.games.get(gameId)).toMatchObject({ status: "finished", finished_at: iso(T0 + 12_345) });
    expect(await fx.stores.capabilities.get(gameId)).toMatchObject({ finished_at: iso(T0 + 12_345) });
  });

  test("6. a replayed game_finished changes no status and repeats no evaluation effect", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1", { members: ["user-1"] });
    await fx.append(snapshotEntry(gameId, 1, [{ user_id: "user-1", planets: 1, population: 1 }]));
    const first = await fx.append(finishEntry(gameId, T0 + 1_000, [{ user_id: "user-1", planets: 1, population: 1 }]));
    fx.start();
    await fx.waitForOffset(first);
    const record = await fx.stores.games.get(gameId);
    const evaluation = await fx.stores.capabilities.get(gameId);
    fx.clock.t += 60_000;
    const replay = await fx.append(finishEntry(gameId, T0 + 9_000, [{ user_id: "user-1", planets: 9, population: 9 }]));
    await fx.waitForOffset(replay);
    expect(await fx.stores.games.get(gameId)).toMatchObject({ status: "finished", finished_at: record!.finished_at });
    expect(await fx.stores.capabilities.get(gameId)).toEqual(evaluation!);
    expect(evaluation!.players).toEqual([{ user_id: "user-1", capable: false }]);
    expect(await fx.transitions("running", "finished", "runtime_event")).toBe(1);
    expect(await fx.published()).toHaveLength(1);
    expect(logged(fx, "game finished event observed for already finished game", gameId)).toHaveLength(1);
  });

  test("7. a status conflict (the game finished meanwhile) or an invalid transition is absorbed", async () => {
    await using fx = await makeFixture();
    const raced = await setUpGame(fx.stores.games, "game-raced", { members: ["user-1"] });
    const refused = await setUpGame(fx.stores.games, "game-refused");
    const real = fx.stores.games;
    let raceDone = false;
    const games = new Proxy(real, {
      get(target, prop) {
        if (prop === "get") {
          return async (id: string) => {
            const record = await target.get(id);
            // Another writer finishes the game between the worker's load and its compare-and-set.
            if (id === raced && !raceDone) {
              raceDone = true;
              await target.updateStatus({ gameId: id, expectedFrom: "running", to: "finished", trigger: "runtime_event", at: T0 + 7 });
            }
            return record;
          };
        }
        // A store whose table refuses the finish: the real store's InvalidTransitionError.
        if (prop === "updateStatus") return (input: Parameters<GameStore["updateStatus"]>[0]) => target.updateStatus(input.gameId === refused ? { ...input, trigger: "command" } : input);
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await fx.append(finishEntry(raced, T0 + 100));
    const last = await fx.append(finishEntry(refused, T0 + 200));
    fx.start(fx.worker({ games }));
    await fx.waitForOffset(last);
    expect(logged(fx, "game finished transition absorbed by status conflict").map((l) => l.game_id)).toEqual([raced, refused]);
    expect(await real.get(raced)).toMatchObject({ status: "finished", finished_at: iso(T0 + 7) });
    expect(await fx.stores.capabilities.get(raced)).toMatchObject({ finished_at: iso(T0 + 7) });
    expect(await real.get(refused)).toMatchObject({ status: "running", finished_at: null });
    expect(logged(fx, "game record not finished after transition attempt", refused)).toHaveLength(1);
    expect(await fx.stores.capabilities.get(refused)).toBeNull();
    expect(await fx.transitions("running", "finished", "runtime_event")).toBe(0);
  });

  test("8. game_finished for a game in another status (draft) is ignored and the offset moves on", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1", { status: "draft" });
    const last = await fx.append(finishEntry(gameId, T0));
    fx.start();
    await fx.waitForOffset(last);
    expect(await fx.stores.games.get(gameId)).toMatchObject({ status: "draft", finished_at: null });
    expect(logged(fx, "game finished event ignored for unexpected status", gameId)[0]).toMatchObject({ current_status: "draft" });
    expect(await fx.stores.capabilities.get(gameId)).toBeNull();
  });

  const holds = [
    ["the evaluation fails", "capability evaluation failed"],
    ["loading the game fails", "load game for finish"],
    ["the status change fails with a non-conflict error", "transition game to finished"],
  ] as const;
  test.each(holds)("9. when %s the offset holds, nothing after it is handled, and the retry succeeds once the fault clears", async (what, reason) => {
    await using fx = await makeFixture();
    const x = await setUpGame(fx.stores.games, "game-x", { members: ["user-1"] });
    const y = await setUpGame(fx.stores.games, "game-y");
    const before = await fx.append(snapshotEntry(x, 1));
    const finishX = await fx.append(finishEntry(x, T0 + 100));
    const after = await fx.append(snapshotEntry(y, 2));
    const f = fault(x);
    const worker =
      what === "the evaluation fails"
        ? fx.worker({ capabilityStores: { capabilities: withFault(fx.stores.capabilities, "save", f) } })
        : fx.worker({ games: withFault(fx.stores.games, what === "loading the game fails" ? "get" : "updateStatus", f) });
    fx.start(worker);
    await waitFor("three failed attempts", () => f.calls >= 3);
    expect(await fx.offset()).toBe(before);
    expect((await fx.stores.games.get(y))!.runtime_snapshot).toBeNull();
    expect(await fx.stores.capabilities.get(x)).toBeNull();
    expect(logged(fx, reason, x).filter((l) => l.level === "warn")).toHaveLength(1);
    f.active = false;
    await fx.waitForOffset(after);
    expect(finishX < after).toBe(true);
    expect(await fx.stores.games.get(x)).toMatchObject({ status: "finished", finished_at: iso(T0 + 100) });
    expect(await fx.stores.capabilities.get(x)).toMatchObject({ players: [{ user_id: "user-1", capable: false }] });
    expect((await fx.stores.games.get(y))!.runtime_snapshot?.current_turn).toBe(2);
    expect(await fx.published()).toHaveLength(1);
    expect(await fx.transitions("running", "finished", "runtime_event")).toBe(1);
    expect(logged(fx, "held gm event handled; moving on")[0]).toMatchObject({ stream_entry_id: finishX });
  });

  test("10. a finished game without finished_at is not evaluated, and the offset moves on", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1", { members: ["user-1"] });
    const real = fx.stores.games;
    // A record as an older lobby may have left it: finished, with no finished_at.
    const games = new Proxy(real, {
      get(target, prop) {
        if (prop === "get") return async (id: string) => ((r) => (r?.status === "finished" ? { ...r, finished_at: null } : r))(await target.get(id));
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const last = await fx.append(finishEntry(gameId, T0));
    fx.start(fx.worker({ games }));
    await fx.waitForOffset(last);
    expect(logged(fx, "finished game missing finished_at", gameId)).toHaveLength(1);
    expect(await fx.stores.capabilities.get(gameId)).toBeNull();
    expect(await fx.published()).toEqual([]);
  });

  test("11. the loop starts at 0-0 without a stored offset, and resumes after the saved one on restart", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1");
    const early = [await fx.append({ kind: "nonsense", game_id: gameId }), await fx.append(snapshotEntry(gameId, 1))];
    const first = fx.start();
    await fx.waitForOffset(early[1]!);
    await first.stop();
    expect(logged(fx, "gm events consumer started")[0]).toMatchObject({ start_entry_id: "0-0" });
    const late = [await fx.append({ kind: "nonsense", game_id: gameId }), await fx.append(snapshotEntry(gameId, 2))];
    fx.start(fx.worker());
    await fx.waitForOffset(late[1]!);
    expect(logged(fx, "gm events consumer started")[1]).toMatchObject({ start_entry_id: early[1] });
    expect(logged(fx, "decode gm event").map((l) => l.stream_entry_id)).toEqual([early[0], late[0]]);
    expect((await fx.stores.games.get(gameId))!.runtime_snapshot?.current_turn).toBe(2);
  });

  test("12. the constructor rejects each missing dependency, naming it", async () => {
    await using fx = await makeFixture();
    const worker = fx.worker();
    const config = (worker as unknown as { config: Record<string, unknown> }).config;
    const names: Record<string, string> = {
      source: "gm event source",
      games: "game store",
      stats: "game turn stats store",
      capability: "capability evaluator",
      offsets: "offset store",
      clock: "clock",
      logger: "logger",
    };
    for (const [key, name] of Object.entries(names)) {
      expect(() => new GmEventsWorker({ ...config, [key]: undefined } as never)).toThrow(`new gm events consumer: no ${name}`);
    }
    expect(() => new GmEventsWorker({ ...config, blockMs: 0 } as never)).toThrow("new gm events consumer: block timeout must be positive");
    expect(() => new GmEventsWorker(undefined as never)).toThrow("new gm events consumer: no gm event source");
  });
});
