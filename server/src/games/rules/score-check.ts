import { POINT_CARD_DATA } from "./cards.ts";
import type { GameState } from "./state.ts";

/**
 * An independent recomputation of the scores, for tests: it reads each
 * claimed card's points from the raw card table by the card's id (not the
 * point values carried in the state or in `GameFinished`), the coins and the
 * caravan, and applies the tie rule its own way (sort, not scan).
 */
export function scoreOf(state: GameState): { scores: Record<number, number>; winner: number | null } {
  const settings = state.settings;
  const scores: Record<number, number> = {};
  if (!settings) return { scores, winner: null };
  for (const p of state.players) {
    let points = 0;
    for (const card of p.pointCards) {
      const row = POINT_CARD_DATA[Number(card.id.slice(1)) - 1];
      if (!row) throw new Error(`scoreOf: unknown point card ${card.id}`);
      points += row[0];
    }
    const nonYellow = Object.entries(p.caravan).reduce((sum, [spice, n]) => sum + (spice === "yellow" ? 0 : n), 0);
    scores[p.playerId] = points + settings.goldCoinPoints * p.coins.gold + settings.silverCoinPoints * p.coins.silver + nonYellow;
  }
  const ranked = state.players
    .filter((p) => !p.left)
    .map((p) => ({ id: p.playerId, score: scores[p.playerId]! }))
    .sort((a, b) => b.score - a.score || b.id - a.id);
  return { scores, winner: ranked[0]?.id ?? null };
}
