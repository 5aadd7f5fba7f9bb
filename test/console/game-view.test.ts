import { describe, expect, test } from "bun:test";
import type { GameEvent, GameView } from "@gamejournal/shared";
import { create, decide, DEFAULT_GAME_SETTINGS, evolve, eventView, initialState, join, leave, playBotGame, playerView, randomCommand, seededRandom, type Decision, type GameState } from "../../server/src/games/rules/index.ts";

/**
 * The console folds a game's public events in the page (server/src/console/ui/game-view.js)
 * to draw the board at any version of the log. Here that fold, fed what a spectator reads
 * (`eventView(e, null)`, through JSON as the wire carries it), must give at every event
 * exactly what the server answers a spectator (`playerView(state, null)`).
 */

interface GameViewModule {
  emptyView(gameId?: string): GameView;
  foldEvent(view: GameView, event: GameEvent): GameView;
  describeEvent(event: GameEvent, view: GameView): string;
}
// Imported as a module here; the server imports the same file as text (console/assets.ts), whose typing its .d.ts gives.
const modulePath = "../../server/src/console/ui/game-view.js";
const { emptyView, foldEvent, describeEvent } = (await import(modulePath)) as GameViewModule;

/** Folds `events` both ways and compares after each one; returns the event types seen. */
function checkFold(events: GameEvent[]): Set<string> {
  let state: GameState = initialState();
  let view = emptyView();
  const types = new Set<string>();
  for (const event of events) {
    const seen = JSON.parse(JSON.stringify(eventView(event, null))) as GameEvent;
    expect(describeEvent(seen, view).length).toBeGreaterThan(5);
    state = evolve(state, event);
    view = foldEvent(view, seen);
    expect({ version: state.version, type: event.type, view }).toEqual({ version: state.version, type: event.type, view: playerView(state, null) });
    types.add(event.type);
  }
  return types;
}

describe("the console's fold of a spectator's events", () => {
  test("equals the server's spectator view after every event of bot games of 2 to 5 players, discards included", () => {
    const types = new Set<string>();
    for (let g = 0; g < 16; g++) {
      const settings = g % 2 ? { ...DEFAULT_GAME_SETTINGS, caravanCapacity: 5, pointCardsToEnd: 3 } : DEFAULT_GAME_SETTINGS;
      const { events, state } = playBotGame({ numPlayers: 2 + (g % 4), seed: `console-fold-${g}`, settings });
      expect(state.status).toBe("finished");
      for (const type of checkFold(events)) types.add(type);
    }
    expect([...types].sort()).toEqual(["CardPlayed", "ClaimCompleted", "GameCreated", "GameFinished", "GameStarted", "ItemAcquired", "PlayerJoined", "PlayerRested", "SpicesDiscarded", "TurnEnded"]);
  });

  test("equals it when players leave, before the start (the seat is freed) and during the game", () => {
    const events: GameEvent[] = [];
    let state = initialState();
    const take = (d: Decision) => {
      if (!d.ok) throw new Error(`${d.code}: ${d.message}`);
      for (const e of d.events) state = evolve(state, e);
      events.push(...d.events);
    };
    take(create(state, { gameId: "leavers", numPlayers: 3, seed: "leavers", settings: DEFAULT_GAME_SETTINGS }));
    take(join(state, { name: "ann" }));
    take(join(state, { name: "bob" }));
    take(leave(state, 2));
    take(join(state, { name: "cid" }));
    take(join(state, { name: "dan" }));
    const random = seededRandom("leavers");
    for (let i = 0; i < 12; i++) take(decide(state, randomCommand(state, state.currentPlayer!, random)!, { playerId: state.currentPlayer! }));
    take(leave(state, 3));
    while (state.status === "playing") take(decide(state, randomCommand(state, state.currentPlayer!, random)!, { playerId: state.currentPlayer! }));
    expect(events.filter((e) => e.type === "PlayerLeft").length).toBe(2);
    checkFold(events);
  });
});
