import type { GameCommand } from "@gamejournal/shared";
import { decide, fold, legalCommands, type GameState, type Random } from "../../server/src/games/rules/index.ts";

const VALUE = { yellow: 1, red: 2, green: 3, brown: 4 } as const;

/** How far `seat` is from paying the cheapest point card in the row: the missing spices, weighted by value. */
function distance(state: GameState, seat: number): number {
  const player = state.players.find((p) => p.playerId === seat)!;
  let best = Infinity;
  for (const card of state.pointRow) {
    let missing = 0;
    for (const spice of ["yellow", "red", "green", "brown"] as const) missing += Math.max(0, (card.cost[spice] ?? 0) - player.caravan[spice]) * VALUE[spice];
    best = Math.min(best, missing);
  }
  return best;
}

/**
 * A bot in a hurry, for tests that need many short games: it claims a point
 * card whenever it can, else plays the legal command (of `legalCommands`)
 * that brings it closest to paying one, ties broken at random. Legal moves
 * only, like `randomCommand`, but games end in about a third of the turns.
 */
export function eagerCommand(state: GameState, seat: number, random: Random): GameCommand | null {
  const options = legalCommands(state, seat);
  const claim = options.find((c) => c.type === "claim");
  if (claim) return { ...claim, commandId: `eager-${state.version}` };
  let best = Infinity;
  let chosen: GameCommand | null = null;
  for (const command of options) {
    const decision = decide(state, command, { playerId: seat });
    if (!decision.ok) continue;
    const score = distance(fold(decision.events, state), seat) + random() * 0.5;
    if (score < best) {
      best = score;
      chosen = command;
    }
  }
  return chosen && { ...chosen, commandId: `eager-${state.version}` };
}
