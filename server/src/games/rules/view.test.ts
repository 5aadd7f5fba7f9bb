import { describe, expect, test } from "bun:test";
import { GameEventSchema, GameViewSchema, type GameEvent } from "@gamejournal/shared";
import { evolve } from "./evolve.ts";
import { playBotGame } from "./play.ts";
import type { GameState } from "./state.ts";
import { eventView, playerView } from "./view.ts";
import { act, startedGame } from "./testing.ts";

const SEED = "s3cr3t-deal-seed-4242";

/** Everything `viewer` must not learn from `state`: the seed, the decks' card ids and other players' hand card ids. */
function secrets(state: GameState, viewer: number | null): string[] {
  return [
    SEED,
    ...state.merchantDeck.map((c) => `"${c.id}"`),
    ...state.pointDeck.map((c) => `"${c.id}"`),
    ...state.players.filter((p) => p.playerId !== viewer).flatMap((p) => p.hand.map((c) => `"${c.id}"`)),
  ];
}

const leaks = (json: string, forbidden: string[]) => forbidden.filter((s) => json.includes(s));

describe("hidden information", () => {
  test("GameCreated hides the seed; GameStarted hides the decks and other players' hands", () => {
    const { events } = startedGame(3, { seed: SEED });
    const created = events.find((e) => e.type === "GameCreated")!;
    expect(JSON.stringify(created)).toContain(SEED);
    expect(JSON.stringify(eventView(created, 1))).not.toContain(SEED);
    expect(JSON.stringify(eventView(created, null))).not.toContain("seed");
    const started = events.find((e) => e.type === "GameStarted")!;
    if (started.type !== "GameStarted") throw new Error("unreachable");
    const seen = eventView(started, 2);
    if (seen.type !== "GameStarted") throw new Error("unreachable");
    expect(seen.data.merchantDeck).toBeUndefined();
    expect(seen.data.pointDeck).toBeUndefined();
    expect(seen.data).toMatchObject({ merchantDeckCount: 37, pointDeckCount: 31 });
    expect(seen.data.seats.map((s) => [s.playerId, s.hand?.map((c) => c.id) ?? null, s.handCount])).toEqual([
      [1, null, 2],
      [2, ["start2-yy", "start2-up2"], 2],
      [3, null, 2],
    ]);
    const spectator = eventView(started, null);
    expect(spectator.type === "GameStarted" && spectator.data.seats.every((s) => s.hand === undefined)).toBe(true);
    // The stored event is untouched.
    expect(started.data.merchantDeck).toHaveLength(37);
    expect(started.data.seats[0]!.hand).toHaveLength(2);
  });

  test("a view shows the viewer's own hand and everyone's hand size; never the decks", () => {
    const { state } = act(startedGame(2, { seed: SEED }).state, 1, { type: "acquire", index: 0 });
    const mine = playerView(state, 1);
    expect(mine.players[0]!.hand!.map((c) => c.id)).toEqual(state.players[0]!.hand.map((c) => c.id));
    expect(mine.players[1]!.hand).toBeUndefined();
    expect(mine.players.map((p) => p.handCount)).toEqual([3, 2]);
    expect(playerView(state, null).players.every((p) => p.hand === undefined)).toBe(true);
    expect(mine).toMatchObject({ merchantDeckCount: 36, pointDeckCount: 31 });
    expect(Object.keys(mine)).not.toContain("merchantDeck");
    expect(GameViewSchema.parse(mine)).toEqual(mine);
  });

  test("acquiring and resting by another player name no card that enters a hand", () => {
    let { state, events } = act(startedGame(2, { seed: SEED }).state, 1, { type: "acquire", index: 0 });
    const acquired = events[0]!;
    expect(eventView(acquired, 1)).toEqual(acquired);
    const other = eventView(acquired, 2);
    expect(other.data).not.toHaveProperty("card");
    expect(other.data).not.toHaveProperty("cardId");
    expect(other.data).toMatchObject({ index: 0, deposits: [] });
    state = act(state, 2, { type: "playCard", cardId: "start2-yy" }).state;
    state = act(state, 1, { type: "playCard", cardId: "start1-yy" }).state;
    state = act(state, 2, { type: "acquire", index: 0 }).state;
    const rested = act(state, 1, { type: "rest" }).events[0]!;
    expect(eventView(rested, 1).data).toEqual({ count: 1, cardIds: ["start1-yy"] });
    expect(eventView(rested, 2).data).toEqual({ count: 1 });
    expect(eventView(rested, null).data).toEqual({ count: 1 });
  });

  test("in whole bot games no view or event view for one player holds another's hand, a deck card or the seed", () => {
    for (const numPlayers of [2, 3, 4, 5]) {
      let checked = 0;
      playBotGame({
        numPlayers,
        seed: SEED,
        botSeed: `hidden-${numPlayers}`,
        onStep: ({ before, events }) => {
          let state = before;
          for (const event of events) {
            state = evolve(state, event);
            for (const viewer of [null, ...state.players.map((p) => p.playerId)]) {
              const forbidden = secrets(state, viewer);
              const seen = eventView(event, viewer);
              expect(leaks(JSON.stringify(seen), forbidden)).toEqual([]);
              expect(GameEventSchema.parse(seen)).toEqual(seen as GameEvent);
              const view = playerView(state, viewer);
              expect(leaks(JSON.stringify(view), forbidden)).toEqual([]);
              checked++;
            }
          }
        },
      });
      expect(checked).toBeGreaterThan(100);
    }
  });
});
