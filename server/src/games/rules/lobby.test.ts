import { describe, expect, test } from "bun:test";
import { GameEventSchema, type GameEvent } from "@gamejournal/shared";
import { MERCHANT_CARDS, POINT_CARDS } from "./cards.ts";
import { create, join, leave } from "./lobby.ts";
import { evolve, fold } from "./evolve.ts";
import { DEFAULT_GAME_SETTINGS } from "./settings.ts";
import { initialState, type GameState } from "./state.ts";
import { playerView } from "./view.ts";
import { act, c, cmd, rejection, startedGame, types } from "./testing.ts";
import { decide } from "./decide.ts";
import type { Decision } from "./decision.ts";

const settings = DEFAULT_GAME_SETTINGS;
const apply = (state: GameState, d: Decision) => {
  if (!d.ok) throw new Error(`${d.code}: ${d.message}`);
  return d.events.reduce(evolve, state);
};

describe("creating and joining", () => {
  test("GameCreated records the game's settings and seed; a second create is GAME_EXISTS", () => {
    const d = create(initialState(), { gameId: "g", numPlayers: 3, seed: 7, settings, at: "2025-05-05T00:00:00.000Z" });
    expect(d).toEqual({
      ok: true,
      events: [
        {
          type: "GameCreated",
          playerId: null,
          data: {
            gameId: "g",
            numPlayers: 3,
            seed: "7",
            createdAt: "2025-05-05T00:00:00.000Z",
            settings: { maxPlayers: 5, caravanCapacity: 10, pointCardsToEnd: 6, goldCoinPoints: 3, silverCoinPoints: 1 },
          },
        },
      ],
    });
    const state = apply(initialState(), d);
    expect(state).toMatchObject({ gameId: "g", status: "waiting", version: 1, numPlayers: 3, seed: "7" });
    expect(create(state, { gameId: "g", numPlayers: 3, seed: 1, settings })).toMatchObject({ ok: false, code: "GAME_EXISTS" });
  });

  test.each([1, 6, 2.5, Number.NaN])("numPlayers %p is INVALID_PLAYER_COUNT naming the field", (numPlayers) => {
    const d = create(initialState(), { gameId: "g", numPlayers, seed: 1, settings });
    expect(d).toMatchObject({ ok: false, code: "INVALID_PLAYER_COUNT" });
    expect(!d.ok && d.message).toContain("numPlayers");
  });

  test("GAME_MAX_PLAYERS bounds the seats; an empty gameId is rejected", () => {
    expect(create(initialState(), { gameId: "g", numPlayers: 4, seed: 1, settings: { ...settings, maxPlayers: 3 } })).toMatchObject({ code: "INVALID_PLAYER_COUNT" });
    expect(create(initialState(), { gameId: "", numPlayers: 2, seed: 1, settings })).toMatchObject({ code: "INVALID_COMMAND" });
  });

  test("players take seats 1, 2, …; the last seat starts the game; then joining is GAME_FULL", () => {
    let state = apply(initialState(), create(initialState(), { gameId: "g", numPlayers: 2, seed: "s", settings }));
    expect(join(initialState(), { name: "x" })).toMatchObject({ code: "GAME_NOT_FOUND" });
    expect(join(state, { name: "  " })).toMatchObject({ code: "INVALID_COMMAND" });
    const first = join(state, { name: " Ann " });
    expect(first).toMatchObject({ ok: true, playerId: 1 });
    expect(first.ok && types(first.events)).toEqual(["PlayerJoined"]);
    state = apply(state, first);
    expect(decide(state, cmd({ type: "rest" }), { playerId: 1 })).toMatchObject({ code: "GAME_NOT_STARTED" });
    const second = join(state, { name: "Bob" });
    expect(second).toMatchObject({ ok: true, playerId: 2 });
    expect(second.ok && types(second.events)).toEqual(["PlayerJoined", "GameStarted"]);
    state = apply(state, second);
    expect(state.players.map((p) => [p.playerId, p.name])).toEqual([[1, "Ann"], [2, "Bob"]]);
    expect(state.status).toBe("playing");
    expect(join(state, { name: "Cy" })).toMatchObject({ ok: false, code: "GAME_FULL" });
  });

  test("leaving before the start frees the seat, and the next player takes the lowest free one", () => {
    let state = apply(initialState(), create(initialState(), { gameId: "g", numPlayers: 3, seed: "s", settings }));
    state = apply(state, join(state, { name: "a" }));
    state = apply(state, join(state, { name: "b" }));
    const left = leave(state, 1);
    expect(left.ok && left.events).toEqual([{ type: "PlayerLeft", playerId: 1, data: { playerId: 1, during: "waiting" } }]);
    state = apply(state, left);
    expect(state.players.map((p) => p.playerId)).toEqual([2]);
    expect(leave(state, 1)).toMatchObject({ code: "NOT_A_PLAYER" });
    const again = join(state, { name: "c" });
    expect(again).toMatchObject({ ok: true, playerId: 1 });
    state = apply(state, again);
    expect(state.status).toBe("waiting");
    state = apply(state, join(state, { name: "d" }));
    expect(state.status).toBe("playing");
    expect(state.players.map((p) => `${p.playerId}:${p.name}`)).toEqual(["1:c", "2:b", "3:d"]);
  });
});

describe("setup by seat", () => {
  for (const n of [2, 3, 4, 5]) {
    test(`${n} players`, () => {
      const { state, events } = startedGame(n);
      for (const e of events) expect(GameEventSchema.parse(e)).toEqual(e);
      expect(state).toMatchObject({ status: "playing", round: 1, currentPlayer: 1, phase: "action" });
      expect(state.settings!.pointCardsToEnd).toBe(n <= 3 ? 6 : 5);
      expect(state.players.map((p) => p.caravan)).toEqual([c("YYY"), c("YYYY"), c("YYYY"), c("YYYR"), c("YYYR")].slice(0, n));
      for (const p of state.players) {
        expect(p.hand).toEqual([
          { id: `start${p.playerId}-yy`, kind: "spice", gain: { yellow: 2 } },
          { id: `start${p.playerId}-up2`, kind: "upgrade", steps: 2 },
        ]);
        expect(p).toMatchObject({ played: [], pointCards: [], coins: { gold: 0, silver: 0 }, left: false });
      }
      expect(new Set(state.players.flatMap((p) => p.hand.map((h) => h.id))).size).toBe(2 * n);
      expect(state.merchantRow).toHaveLength(6);
      for (const slot of state.merchantRow) expect(slot.deposits).toEqual(c(""));
      expect(state.merchantDeck).toHaveLength(37);
      expect([...state.merchantRow.map((s) => s.card.id), ...state.merchantDeck.map((m) => m.id)].sort()).toEqual(MERCHANT_CARDS.map((m) => m.id));
      expect(state.pointRow).toHaveLength(5);
      expect(state.pointDeck).toHaveLength(31);
      expect([...state.pointRow, ...state.pointDeck].map((p) => p.id).sort()).toEqual(POINT_CARDS.map((p) => p.id));
      expect(state.coins).toEqual({ gold: 2 * n, silver: 2 * n });
      expect(playerView(state, null).pointRow.map((s) => s.coin)).toEqual(["gold", "silver", undefined, undefined, undefined]);
    });
  }

  test("the deal comes from the seed: the same seed deals the same cards, another seed others", () => {
    const deal = (seed: string) => {
      const s = startedGame(3, { seed }).state;
      return [s.merchantRow.map((m) => m.card.id), s.merchantDeck.map((m) => m.id), s.pointRow.map((p) => p.id), s.pointDeck.map((p) => p.id)];
    };
    expect(deal("one")).toEqual(deal("one"));
    expect(deal("one")).not.toEqual(deal("two"));
  });

  test("GameStarted carries the whole deal: a replay needs neither the seed nor the shuffle", () => {
    const { state, events } = startedGame(4, { seed: "replay" });
    const stripped = events.map((e): GameEvent => (e.type === "GameCreated" ? { ...e, data: { ...e.data, seed: "" } } : e));
    const replayed = fold(stripped);
    expect({ ...replayed, seed: "replay" }).toEqual(state);
  });

  test("replaying a game's events under other environment settings gives the same game", () => {
    const { events } = startedGame(2, { settings: { caravanCapacity: 7, pointCardsToEnd: 2, goldCoinPoints: 9 } });
    const state = fold(events);
    expect(state.settings).toEqual({ maxPlayers: 5, caravanCapacity: 7, pointCardsToEnd: 2, goldCoinPoints: 9, silverCoinPoints: 1 });
    // A play that would be within the default capacity of 10 but exceeds the game's 7.
    const after = act({ ...state, players: state.players.map((p) => (p.playerId === 1 ? { ...p, caravan: c("YYYYYY") } : p)) }, 1, { type: "playCard", cardId: "start1-yy" });
    expect(after.state.phase).toBe("discard");
    expect(rejection(after.state, 1, cmd({ type: "rest" }))).toBe("MUST_DISCARD");
  });
});
