import { describe, expect, test } from "bun:test";
import { digestOf } from "../../server/src/games/digest.ts";
import { replayGame } from "../../server/src/games/replay.ts";
import { foldRoom } from "../../server/src/games/room.ts";
import { fold, legalCommands, playerView, seededRandom, type GameState } from "../../server/src/games/rules/index.ts";
import type { AuthUser } from "../../server/src/platform/auth-user.ts";
import { openServiceFixture, playToTheEnd } from "./service-fixture.ts";

const OPERATOR: AuthUser = { sub: "operator", scopes: ["admin"], via: "token" };

/** The first command of `seat` the rules accept in `state`, with a chosen id. */
function legal(state: GameState, seat: number, commandId: string) {
  const command = legalCommands(state, seat).find((c) => c.type !== "acquire" || c.index === 0);
  if (!command) throw new Error(`no legal command for ${seat}`);
  return { ...command, commandId };
}

describe("GameService", () => {
  test("create records the settings and answers the seed's shapes; a taken id, a bad numPlayers and a bad gameId are refused naming the field", async () => {
    await using fx = await openServiceFixture();
    expect(await fx.service.create({ gameId: "test-game-1", numPlayers: 2 })).toEqual({ success: true, gameId: "test-game-1" });
    expect(await fx.service.create({ gameId: "test-game-1", numPlayers: 3 })).toMatchObject({ success: false, code: "GAME_EXISTS", field: "gameId" });
    expect(await fx.service.create({ numPlayers: 6 })).toMatchObject({ success: false, code: "INVALID_PLAYER_COUNT", field: "numPlayers" });
    expect(await fx.service.create({ numPlayers: "two" })).toMatchObject({ success: false, code: "INVALID_PLAYER_COUNT", field: "numPlayers" });
    expect(await fx.service.create({ gameId: "a b", numPlayers: 2 })).toMatchObject({ success: false, code: "INVALID_COMMAND", field: "gameId" });
    const generated = await fx.service.create({ numPlayers: 4 });
    expect(generated.success && generated.gameId).toMatch(/^g-[0-9a-f-]{36}$/);
    const [created] = await fx.store.read("test-game-1");
    expect(created).toMatchObject({ eventId: 1, type: "GameCreated", data: { numPlayers: 2, settings: { pointCardsToEnd: 6, caravanCapacity: 10 } } });
    expect(typeof (created!.data as { seed: unknown }).seed).toBe("string");
    expect(await fx.store.version("test-game-1")).toBe(1);
  });

  test("join signs a seat token (player:<game>:<seat>, game_id, player_id, joined_event); the last seat starts the game; a retried join keeps its seat", async () => {
    await using fx = await openServiceFixture();
    await fx.service.create({ gameId: "g", numPlayers: 2 });
    const first = await fx.service.join("g", { name: "ann", commandId: "ann-1" });
    expect(first).toMatchObject({ success: true, gameId: "g", playerId: 1 });
    const user = await fx.auth.verify((first as { token: string }).token);
    expect(user).toMatchObject({ sub: "player:g:1", scopes: ["player"], claims: { game_id: "g", player_id: 1, joined_event: 2 } });
    expect(await fx.service.join("g", { name: "ann", commandId: "ann-1" })).toMatchObject({ success: true, playerId: 1 });
    expect(await fx.service.join("g", { name: "" })).toMatchObject({ success: false, code: "INVALID_COMMAND" });
    expect(await fx.service.join("g", { name: "bob" })).toMatchObject({ success: true, playerId: 2 });
    expect((await fx.service.state("g")).status).toBe("playing");
    expect(await fx.service.join("g", { name: "cy" })).toMatchObject({ success: false, code: "GAME_FULL" });
    expect(await fx.service.join("nowhere", { name: "cy" })).toMatchObject({ success: false, code: "GAME_NOT_FOUND" });
    expect((await fx.store.read("g")).map((e) => e.type)).toEqual(["GameCreated", "PlayerJoined", "PlayerJoined", "GameStarted"]);
  });

  test("a refused command appends nothing and says why; an accepted one answers its events as the sender sees them", async () => {
    await using fx = await openServiceFixture();
    const users = await fx.started("g", 2);
    const before = await fx.store.version("g");
    expect(await fx.service.command("g", users.get(2), { commandId: "x", type: "rest" })).toMatchObject({ success: false, code: "NOT_YOUR_TURN" });
    expect(await fx.service.command("g", users.get(1), { commandId: "y", type: "rest" })).toMatchObject({ success: false, code: "NOTHING_TO_REST" });
    expect(await fx.service.command("g", users.get(1), { commandId: "z", type: "playCard", cardId: "nope" })).toMatchObject({ success: false, code: "INVALID_CARD", field: "cardId" });
    expect(await fx.service.command("g", users.get(1), { type: "rest" })).toMatchObject({ success: false, code: "INVALID_COMMAND", field: "commandId" });
    expect(await fx.service.command("g", { sub: "someone", scopes: ["read"], via: "token" }, { commandId: "w", type: "rest" })).toMatchObject({ success: false, code: "NOT_A_PLAYER" });
    await expect(fx.service.command("g", null, { commandId: "w", type: "rest" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await fx.store.version("g")).toBe(before);
    const reply = await fx.service.command("g", users.get(1), { commandId: "a1", type: "acquire", index: 0 });
    expect(reply).toMatchObject({ success: true, gameId: "g", version: before + 2 });
    if (!reply.success) throw new Error("refused");
    expect(reply.events.map((e) => [e.eventId, e.type, e.playerId])).toEqual([
      [before + 1, "ItemAcquired", 1],
      [before + 2, "TurnEnded", 1],
    ]);
    expect(reply.events[0]!.timestamp).toBe("2026-01-01T00:00:00.000Z");
    expect((reply.events[0]!.data as { card?: unknown }).card).toBeDefined();
    // The other player reads the same event without the card that went into the hand.
    const read = await fx.service.events("g", users.get(2), { after: before });
    expect((read.events[0]!.data as { card?: unknown }).card).toBeUndefined();
    expect(read.lastEventId).toBe(before + 2);
  });

  test("a command id applied before answers the first result, also once the turn has passed, and two players may use the same ids", async () => {
    await using fx = await openServiceFixture();
    const users = await fx.started("g", 2);
    const first = await fx.service.command("g", users.get(1), { commandId: "same", type: "acquire", index: 0 });
    expect(first.success).toBe(true);
    // The retry would now be NOT_YOUR_TURN: the first result all the same, nothing appended.
    const again = await fx.service.command("g", users.get(1), { commandId: "same", type: "acquire", index: 0 });
    expect(again).toEqual({ ...first, duplicate: true } as typeof again);
    // Another instance, which never saw it.
    const other = await fx.another();
    expect(await other.command("g", users.get(1), { commandId: "same", type: "rest" })).toEqual({ ...first, duplicate: true } as typeof again);
    const byTwo = await fx.service.command("g", users.get(2), { commandId: "same", type: "acquire", index: 0 });
    expect(byTwo).toMatchObject({ success: true, version: 8 });
    expect(await fx.store.version("g")).toBe(8);
    // Every append and every duplicate was announced, with its event range.
    expect(fx.notes.filter(([g]) => g === "g").slice(-4)).toEqual([
      ["g", 5, 6],
      ["g", 5, 6],
      ["g", 5, 6],
      ["g", 7, 8],
    ]);
  });

  test("the token of a player who left before the start is not honoured once the seat is taken again", async () => {
    await using fx = await openServiceFixture();
    await fx.service.create({ gameId: "g", numPlayers: 2 });
    const ann = await fx.auth.verify(((await fx.service.join("g", { name: "ann" })) as { token: string }).token);
    expect(await fx.service.leave("g", ann)).toMatchObject({ success: true });
    expect(await fx.service.leave("g", ann)).toMatchObject({ success: true, duplicate: true });
    const bob = await fx.auth.verify(((await fx.service.join("g", { name: "bob" })) as { token: string }).token);
    await fx.service.join("g", { name: "cy" });
    expect(bob.claims).toMatchObject({ player_id: 1, joined_event: 4 });
    const state = (await fx.service.rooms.current("g")).state;
    expect(await fx.service.command("g", ann, legal(state, 1, "ann-move"))).toMatchObject({ success: false, code: "NOT_A_PLAYER" });
    expect((await fx.service.state("g", ann)).players[0]!.hand).toBeUndefined();
    expect((await fx.service.state("g", bob)).players[0]!.hand).toHaveLength(2);
    expect(await fx.service.command("g", bob, legal(state, 1, "bob-move"))).toMatchObject({ success: true });
  });

  test("two instances deciding at once: exactly one command per version is appended, and a stale instance never refuses a legal command", async () => {
    await using fx = await openServiceFixture();
    const users = await fx.started("g", 3);
    const [a, b] = [fx.service, await fx.another()];
    // B caches the game now, then A moves it on: B's cache says it is still player 1's turn.
    await b.rooms.cached("g");
    const s0 = (await a.rooms.current("g")).state;
    expect(await a.command("g", users.get(1), legal(s0, 1, "a-1"))).toMatchObject({ success: true });
    const s1 = (await a.rooms.current("g")).state;
    expect(await b.command("g", users.get(2), legal(s1, 2, "b-2"))).toMatchObject({ success: true });
    // Every player sends a legal command to each instance at once, turn after turn.
    const random = seededRandom("race");
    for (let step = 0; step < 30; step++) {
      const state = (await a.rooms.current("g")).state;
      if (state.status !== "playing") break;
      const seat = state.currentPlayer!;
      const options = legalCommands(state, seat);
      const sends = [0, 1, 2, 3].map((i) => {
        const command = { ...options[Math.floor(random() * options.length)]!, commandId: `s${step}-${i}` };
        return (i % 2 ? a : b).command("g", users.get(seat), command);
      });
      const replies = await Promise.all(sends);
      expect(replies.filter((r) => r.success)).toHaveLength(1);
    }
    const log = await fx.store.read("g");
    expect(log.map((e) => e.eventId)).toEqual(log.map((_, i) => i + 1));
    // Each command's events are one run: no command was applied twice.
    const runs = log.filter((e, i) => e.commandId !== null && log[i - 1]?.commandId !== e.commandId).map((e) => e.commandId);
    expect(new Set(runs).size).toBe(runs.length);
    expect(digestOf((await b.rooms.current("g")).state)).toBe(digestOf(fold(log.map((e) => ({ type: e.type, playerId: e.playerId, data: e.data }) as never))));
  });

  test("snapshots every N events make loading faster and never change a state; replay checks them", async () => {
    await using fx = await openServiceFixture({ snapshotEvery: 10 });
    const users = await fx.started("g", 2);
    await playToTheEnd(fx.service, "g", users, seededRandom("snap"), 40);
    await Bun.sleep(10); // snapshots are saved in the background
    const log = await fx.store.read("g", { limit: 10_000 });
    const snapshot = await fx.store.loadSnapshot("g");
    expect(snapshot!.version).toBe(Math.max(...log.map((e) => e.eventId).filter((id) => id <= snapshot!.version)));
    expect(snapshot!.version).toBeGreaterThan(log.length - 12);
    // A new instance loads from the snapshot plus the tail: the same state as the whole fold.
    const fresh = await fx.another();
    expect(digestOf((await fresh.rooms.current("g")).state)).toBe(digestOf(foldRoom(log).state));
    const report = await fx.service.replay("g", OPERATOR);
    expect(report).toMatchObject({ gameId: "g", version: log.length, events: log.length, snapshot: { version: snapshot!.version, matches: true } });
    expect(report.digest).toBe(digestOf(foldRoom(log).state));
    // A snapshot that disagrees with the log is reported by replay.
    await fx.store.saveSnapshot("g", log.length, { format: 1, state: { ...foldRoom(log).state, round: 99 }, joinedAt: foldRoom(log).joinedAt });
    expect((await replayGame(fx.store, "g")).report.snapshot).toMatchObject({ version: log.length, matches: false });
    // One this version cannot read is reported too, and loading folds the whole log instead.
    const others = await fx.started("g2", 2);
    await playToTheEnd(fx.service, "g2", others, seededRandom("snap2"), 1);
    const at = await fx.store.version("g2");
    await fx.store.saveSnapshot("g2", at, { format: 0 });
    expect((await replayGame(fx.store, "g2")).report.snapshot).toMatchObject({ version: at, matches: false });
    expect(digestOf((await (await fx.another()).rooms.current("g2")).state)).toBe(digestOf(foldRoom(await fx.store.read("g2")).state));
    await expect(fx.service.replay("g", null)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(fx.service.replay("nowhere", OPERATOR)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("the state and the events read back are each viewer's: own hand, others' sizes, never the seed or the decks", async () => {
    await using fx = await openServiceFixture();
    const users = await fx.started("g", 3, { seed: "secret-seed-1234" });
    await playToTheEnd(fx.service, "g", users, seededRandom("views"), 12);
    const full = (await fx.service.rooms.current("g")).state;
    for (const viewer of [null, 1, 2, 3]) {
      const user = viewer === null ? null : users.get(viewer)!;
      expect(await fx.service.state("g", user)).toEqual(playerView(full, viewer));
      const text = JSON.stringify([await fx.service.state("g", user), await fx.service.events("g", user, { limit: 1000 })]);
      expect(text).not.toContain("secret-seed-1234");
      expect(text).not.toContain("merchantDeck\"");
      expect(text).not.toContain("pointDeck\"");
    }
  });
});
