import { describe, expect, test } from "bun:test";
import { NotFoundError, ValidationError } from "../../server/src/errors.ts";
import { ConflictError, InvalidTransitionError, type GameStore } from "../../server/src/lobby/index.ts";
import { LOBBY_STORE_BACKENDS as backends, T0 } from "./backends.ts";

/**
 * The one contract suite of `GameStore`: every adapter must pass all of it
 * against its real backend (SQLite files; MongoDB or FerretDB 1.x from the harness).
 */

const iso = (ms: number) => new Date(ms).toISOString();

async function walkTo(games: GameStore, gameId: string, path: Array<[string, string]>, at: number): Promise<void> {
  let from = (await games.get(gameId))!.status;
  for (const [to, trigger] of path) {
    await games.updateStatus({ gameId, expectedFrom: from as never, to: to as never, trigger: trigger as never, at });
    from = to as never;
  }
}

const TO_RUNNING: Array<[string, string]> = [
  ["enrollment_open", "command"],
  ["ready_to_start", "enough_players"],
  ["starting", "command"],
  ["running", "runtime_registered"],
];

describe.each(backends)("GameStore on %s", (_name, makeFixture) => {
  test("create stores a draft with defaults and a game-<ULID> id; get reads it back, also over a new connection", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const record = await games.create({ name: "  Andromeda  " });
    expect(record.game_id).toMatch(/^game-[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(record).toEqual({
      game_id: record.game_id,
      name: "Andromeda",
      owner_id: null,
      type: "public",
      min_players: 1,
      max_players: 100,
      status: "draft",
      runtime_snapshot: null,
      members: [],
      created_at: iso(T0),
      updated_at: iso(T0),
      started_at: null,
      finished_at: null,
    });
    expect(await games.get(record.game_id)).toEqual(record);
    expect(await (await fx.open()).games.get(record.game_id)).toEqual(record);
    expect(await games.get("game-nope")).toBeNull();
    const other = await games.create({ game_id: "game-custom_1", name: "B", owner_id: "user-1", min_players: 2, max_players: 4, type: "private" });
    expect(other).toMatchObject({ game_id: "game-custom_1", owner_id: "user-1", min_players: 2, max_players: 4, type: "private" });
  });

  test("creating an id that exists is a conflict and changes nothing", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const first = await games.create({ game_id: "game-1", name: "first" });
    fx.clock.t += 1_000;
    await expect(games.create({ game_id: "game-1", name: "second" })).rejects.toBeInstanceOf(ConflictError);
    expect(await games.get("game-1")).toEqual(first);
  });

  test("bad input is a validation error naming the field, and stores nothing", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ game_id: "", name: "x" }, "game_id"],
      [{ game_id: "game-", name: "x" }, "game_id"],
      [{ game_id: "nope-1", name: "x" }, "game_id"],
      [{ game_id: "game-a b", name: "x" }, "game_id"],
      [{ name: "x", owner_id: "" }, "owner_id"],
      [{ name: "x", min_players: 5, max_players: 2 }, "max_players"],
      [{ name: "x", min_players: 0 }, "min_players"],
      [{ name: "x", type: "secret" }, "type"],
    ];
    for (const [input, field] of cases) {
      const error = await games.create(input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    expect((await games.list()).items).toEqual([]);
    await expect(games.get("not a game id")).rejects.toBeInstanceOf(ValidationError);
  });

  test("updateStatus follows the table: started_at on first entering running, finished_at on finishing", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const { game_id } = await games.create({ name: "g" });
    fx.clock.t += 10;
    await walkTo(games, game_id, TO_RUNNING.slice(0, 3), T0 + 100);
    expect(await games.get(game_id)).toMatchObject({ status: "starting", started_at: null, updated_at: iso(T0 + 100) });
    await games.updateStatus({ gameId: game_id, expectedFrom: "starting", to: "running", trigger: "runtime_registered", at: T0 + 200 });
    await games.updateStatus({ gameId: game_id, expectedFrom: "running", to: "paused", trigger: "command", at: T0 + 300 });
    await games.updateStatus({ gameId: game_id, expectedFrom: "paused", to: "running", trigger: "command", at: T0 + 400 });
    expect(await games.get(game_id)).toMatchObject({ status: "running", started_at: iso(T0 + 200), finished_at: null, updated_at: iso(T0 + 400) });
    await games.updateStatus({ gameId: game_id, expectedFrom: "running", to: "finished", trigger: "runtime_event", at: T0 + 500 });
    expect(await (await fx.open()).games.get(game_id)).toMatchObject({
      status: "finished",
      started_at: iso(T0 + 200),
      finished_at: iso(T0 + 500),
      updated_at: iso(T0 + 500),
    });
  });

  test("a stale expected status is a conflict, a move the table lacks is an invalid transition; neither changes the record", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const { game_id } = await games.create({ name: "g" });
    await walkTo(games, game_id, TO_RUNNING, T0 + 100);
    const before = await games.get(game_id);
    const attempt = (expectedFrom: string, to: string, trigger: string) =>
      games.updateStatus({ gameId: game_id, expectedFrom: expectedFrom as never, to: to as never, trigger: trigger as never, at: T0 + 999 }).catch((e: unknown) => e);
    expect(await attempt("paused", "running", "command")).toBeInstanceOf(ConflictError);
    expect(await attempt("paused", "finished", "runtime_event")).toBeInstanceOf(ConflictError);
    expect(await attempt("running", "finished", "command")).toBeInstanceOf(InvalidTransitionError);
    expect(await attempt("running", "draft", "command")).toBeInstanceOf(InvalidTransitionError);
    expect(await attempt("running", "running", "command")).toBeInstanceOf(InvalidTransitionError);
    expect(await attempt("running", "paused", "deadline")).toBeInstanceOf(InvalidTransitionError);
    const invalid = (await attempt("running", "finished", "command")) as InvalidTransitionError;
    expect(invalid.code).toBe("CONFLICT");
    expect(await attempt("running", "nowhere", "command")).toBeInstanceOf(ValidationError);
    expect(await games.get(game_id)).toEqual(before);
    await expect(games.updateStatus({ gameId: "game-unknown", expectedFrom: "draft", to: "enrollment_open", trigger: "command", at: T0 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await games.updateStatus({ gameId: game_id, expectedFrom: "running", to: "finished", trigger: "runtime_event", at: T0 + 500 });
    expect(await attempt("finished", "running", "command")).toBeInstanceOf(InvalidTransitionError);
    expect(await attempt("running", "finished", "runtime_event")).toBeInstanceOf(ConflictError);
  });

  test("of 10 concurrent transitions from the same status exactly one wins, the rest conflict", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    for (let round = 0; round < 3; round++) {
      const { game_id } = await games.create({ name: `race ${round}` });
      await walkTo(games, game_id, TO_RUNNING, T0 + 100);
      const targets = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? "paused" : "finished"));
      const results = await Promise.allSettled(
        targets.map((to, i) =>
          games.updateStatus({ gameId: game_id, expectedFrom: "running", to: to as never, trigger: to === "paused" ? "command" : "runtime_event", at: T0 + 1_000 + i }),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConflictError);
      const winner = won[0]!;
      expect(await games.get(game_id)).toMatchObject({ status: targets[winner], updated_at: iso(T0 + 1_000 + winner) });
    }
  });

  test("updateRuntimeSnapshot overwrites the snapshot whole and stamps it, and never undoes a concurrent transition", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const { game_id } = await games.create({ name: "g" });
    await walkTo(games, game_id, TO_RUNNING, T0 + 100);
    await games.updateRuntimeSnapshot(game_id, { current_turn: 7, runtime_status: "running", engine_health_summary: "ok" }, T0 + 200);
    await games.updateRuntimeSnapshot(game_id, { current_turn: 3, runtime_status: "", engine_health_summary: "" }, T0 + 300);
    expect(await games.get(game_id)).toMatchObject({
      status: "running",
      runtime_snapshot: { current_turn: 3, runtime_status: "", engine_health_summary: "", updated_at: iso(T0 + 300) },
      updated_at: iso(T0 + 300),
    });
    const writes = Array.from({ length: 10 }, (_, i) =>
      games.updateRuntimeSnapshot(game_id, { current_turn: 10 + i, runtime_status: "r", engine_health_summary: "h" }, T0 + 400 + i),
    );
    await Promise.all([...writes, games.updateStatus({ gameId: game_id, expectedFrom: "running", to: "paused", trigger: "command", at: T0 + 400 })]);
    expect(await games.get(game_id)).toMatchObject({ status: "paused" });
    await expect(games.updateRuntimeSnapshot("game-unknown", { current_turn: 1, runtime_status: "", engine_health_summary: "" }, T0)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const bad = await games.updateRuntimeSnapshot(game_id, { current_turn: -1, runtime_status: "", engine_health_summary: "" }, T0).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe("current_turn");
    expect(await games.get(game_id)).toMatchObject({ status: "paused", runtime_snapshot: { runtime_status: "r" } });
  });

  test("members: adding twice or removing a non-member changes nothing; concurrent adds all stay", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const { game_id } = await games.create({ name: "g" });
    expect(await games.addMember(game_id, "user-b", T0 + 10)).toBe(true);
    expect(await games.addMember(game_id, "user-a", T0 + 20)).toBe(true);
    expect(await games.addMember(game_id, "user-a", T0 + 30)).toBe(false);
    expect(await games.get(game_id)).toMatchObject({ members: ["user-a", "user-b"], updated_at: iso(T0 + 20) });
    expect(await games.removeMember(game_id, "user-b", T0 + 40)).toBe(true);
    expect(await games.removeMember(game_id, "user-b", T0 + 50)).toBe(false);
    expect(await games.get(game_id)).toMatchObject({ members: ["user-a"], updated_at: iso(T0 + 40) });
    expect(await games.addMember(game_id, "user-b", T0 + 60)).toBe(true);
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    expect(await Promise.all(users.map((u, i) => games.addMember(game_id, u, T0 + 100 + i)))).toEqual(users.map(() => true));
    expect((await games.get(game_id))!.members).toEqual([...users, "user-a", "user-b"].sort());
    await expect(games.addMember("game-unknown", "user-a", T0)).rejects.toBeInstanceOf(NotFoundError);
    const bad = await games.addMember(game_id, "has space", T0).catch((e: unknown) => e);
    expect((bad as ValidationError).field).toBe("user_id");
  });

  test("list pages through the games in id order, optionally by status, without repeats or gaps", async () => {
    await using fx = await makeFixture();
    const { games } = await fx.open();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      fx.clock.t += 1;
      ids.push((await games.create({ name: `g${i}` })).game_id);
    }
    const running = [ids[1]!, ids[2]!, ids[4]!, ids[6]!];
    for (const id of running) await walkTo(games, id, TO_RUNNING, T0 + 100);
    await walkTo(games, ids[2]!, [["paused", "command"], ["running", "command"]], T0 + 200);
    await walkTo(games, ids[4]!, [["paused", "command"]], T0 + 200);
    const all = async (status?: string) => {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await games.list({ status: status as never, after, limit: 2 });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((g) => g.game_id));
        after = page.next_after;
      } while (after);
      return seen;
    };
    expect(await all()).toEqual(ids);
    expect(await all("running")).toEqual([ids[1]!, ids[2]!, ids[6]!]);
    expect(await all("paused")).toEqual([ids[4]!]);
    expect(await all("draft")).toEqual([ids[0]!, ids[3]!, ids[5]!]);
    expect(await all("finished")).toEqual([]);
    expect((await games.list({ status: "running" })).items.every((g) => g.status === "running")).toBe(true);
    await expect(games.list({ status: "sleeping" as never })).rejects.toBeInstanceOf(ValidationError);
  });
});
