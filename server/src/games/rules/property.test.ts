import { describe, expect, test } from "bun:test";
import { GameEventSchema, type GameEvent } from "@gamejournal/shared";
import { legalCommands, randomCommand } from "./bot.ts";
import { MERCHANT_CARDS, POINT_CARDS } from "./cards.ts";
import { decide } from "./decide.ts";
import { fold } from "./evolve.ts";
import { playBotGame } from "./play.ts";
import { seededRandom } from "./random.ts";
import { scoreOf } from "./score-check.ts";
import { total } from "./spices.ts";
import type { GameState } from "./state.ts";
import { deepFreeze } from "./testing.ts";

const GAMES = 300;
/** Commands a game may take at most; random bots finish in about 70 to 400. */
const MAX_COMMANDS = 1500;

/** What must hold between any two events: nothing appears, nothing is lost. */
function checkInvariants(state: GameState): void {
  if (state.status !== "playing" && state.status !== "finished") return;
  const n = state.numPlayers;
  const merchantIds = [
    ...state.merchantRow.map((s) => s.card.id),
    ...state.merchantDeck.map((c) => c.id),
    ...state.players.flatMap((p) => [...p.hand, ...p.played].map((c) => c.id)),
  ];
  expect(merchantIds.length).toBe(MERCHANT_CARDS.length + 2 * n);
  expect(new Set(merchantIds).size).toBe(merchantIds.length);
  const pointIds = [...state.pointRow, ...state.pointDeck, ...state.players.flatMap((p) => p.pointCards)].map((c) => c.id);
  expect(pointIds.length).toBe(POINT_CARDS.length);
  expect(new Set(pointIds).size).toBe(POINT_CARDS.length);
  expect(state.coins.gold + state.players.reduce((s, p) => s + p.coins.gold, 0)).toBe(2 * n);
  expect(state.coins.silver + state.players.reduce((s, p) => s + p.coins.silver, 0)).toBe(2 * n);
  for (const p of state.players) for (const v of Object.values(p.caravan)) expect(v).toBeGreaterThanOrEqual(0);
  for (const s of state.merchantRow) for (const v of Object.values(s.deposits)) expect(v).toBeGreaterThanOrEqual(0);
  // Between turns nobody holds more than the capacity; only the discard phase allows it.
  if (state.phase !== "discard") for (const p of state.players) expect(total(p.caravan)).toBeLessThanOrEqual(state.settings!.caravanCapacity);
}

describe(`${GAMES} random bot games of 2 to 5 players`, () => {
  test("each plays to GameFinished; every event is valid and folds; replay equals the live state; scores agree with scoreOf", () => {
    const lengths: number[] = [];
    const started = performance.now();
    for (let g = 0; g < GAMES; g++) {
      const numPlayers = 2 + (g % 4);
      const thorough = g < 12; // the first games also freeze every state and check every listed command
      const { events, state, commands } = playBotGame({
        numPlayers,
        seed: `property-${g}`,
        maxCommands: MAX_COMMANDS,
        onStep: ({ after, events: step }) => {
          // Frozen, any write by a later decide or evolve into a state or an event would throw.
          if (thorough) {
            deepFreeze(after);
            deepFreeze(step);
          }
          checkInvariants(after);
          if (thorough && after.status === "playing") {
            const legal = legalCommands(after, after.currentPlayer!);
            expect(legal.length).toBeGreaterThan(0);
            for (const command of legal) {
              const d = decide(after, command, { playerId: after.currentPlayer! });
              if (!d.ok) throw new Error(`legalCommands listed a rejected command: ${JSON.stringify(command)}: ${d.code} ${d.message}`);
            }
            for (const other of after.players.filter((p) => p.playerId !== after.currentPlayer)) {
              expect(legalCommands(after, other.playerId)).toEqual([]);
              expect(randomCommand(after, other.playerId, Math.random)).toBeNull();
            }
          }
        },
      });
      lengths.push(commands);
      expect({ game: g, status: state.status }).toEqual({ game: g, status: "finished" });
      expect(commands).toBeLessThan(MAX_COMMANDS);

      for (const event of events) expect(GameEventSchema.parse(event)).toEqual(event);
      // Events survive JSON (as a store keeps them), and their fold is the live state.
      const stored: GameEvent[] = JSON.parse(JSON.stringify(events));
      expect(fold(stored)).toEqual(state);
      expect(state.version).toBe(events.length);

      const finished = events.at(-1)!;
      expect(finished.type).toBe("GameFinished");
      if (finished.type !== "GameFinished") throw new Error("unreachable");
      const check = scoreOf(state);
      expect(Object.fromEntries(finished.data.scores.map((s) => [s.playerId, s.score]))).toEqual(check.scores);
      expect(finished.data.winner).toBe(check.winner);
      expect(state.winner).toBe(check.winner);
      // The game ended at the end of a round, for a reason the rules give.
      const lastTurn = events.at(-2)!;
      expect(lastTurn).toMatchObject({ type: "TurnEnded", playerId: numPlayers, data: { nextPlayer: null } });
      const needed = state.settings!.pointCardsToEnd;
      expect(finished.data.reason === "pointRowEmpty" || state.players.some((p) => p.pointCards.length >= needed)).toBe(true);
      // Every player had the same number of turns.
      const turns = events.filter((e) => e.type === "TurnEnded").map((e) => e.playerId);
      for (let seat = 1; seat <= numPlayers; seat++) expect(turns.filter((t) => t === seat).length).toBe(turns.length / numPlayers);
    }
    lengths.sort((a, b) => a - b);
    const ms = performance.now() - started;
    console.log(`${GAMES} bot games: commands min ${lengths[0]}, median ${lengths[GAMES >> 1]}, max ${lengths.at(-1)}; ${ms.toFixed(0)} ms`);
  }, 120_000);

  test("the same seeds play the same game, event for event", () => {
    const a = playBotGame({ numPlayers: 4, seed: "same", botSeed: "bots" });
    const b = playBotGame({ numPlayers: 4, seed: "same", botSeed: "bots" });
    expect(b.events).toEqual(a.events);
    const c = playBotGame({ numPlayers: 4, seed: "other", botSeed: "bots" });
    expect(c.events).not.toEqual(a.events);
  });

  test("randomCommand always returns a command decide accepts, discards included", () => {
    const random = seededRandom("discards");
    let discards = 0;
    let endTurns = 0;
    for (let g = 0; g < 20; g++) {
      playBotGame({
        numPlayers: 2 + (g % 4),
        seed: `discard-${g}`,
        settings: { maxPlayers: 5, caravanCapacity: 5, pointCardsToEnd: 3, goldCoinPoints: 3, silverCoinPoints: 1 },
        onStep: ({ after }) => {
          if (after.phase !== "discard") return;
          const command = randomCommand(after, after.currentPlayer!, random)!;
          expect(["discard", "endTurn"]).toContain(command.type);
          if (command.type === "discard") discards++;
          else endTurns++;
          expect(decide(after, command, { playerId: after.currentPlayer! }).ok).toBe(true);
        },
      });
    }
    expect(discards).toBeGreaterThan(10);
    expect(endTurns).toBeGreaterThan(5);
  });
});
