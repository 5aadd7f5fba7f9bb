import type { GameRulesSettings, PlayerScore } from "@gamejournal/shared";
import type { GameState, PlayerState } from "./state.ts";

/**
 * Score: points printed on the claimed point cards, plus `goldCoinPoints` per
 * gold coin and `silverCoinPoints` per silver coin, plus 1 per non-yellow
 * spice in the caravan.
 */
export function scorePlayer(p: PlayerState, settings: GameRulesSettings): PlayerScore {
  const cardPoints = p.pointCards.reduce((sum, c) => sum + c.points, 0);
  const spicePoints = p.caravan.red + p.caravan.green + p.caravan.brown;
  return {
    playerId: p.playerId,
    score: cardPoints + p.coins.gold * settings.goldCoinPoints + p.coins.silver * settings.silverCoinPoints + spicePoints,
    cardPoints,
    gold: p.coins.gold,
    silver: p.coins.silver,
    spicePoints,
    pointCards: p.pointCards.length,
    left: p.left,
  };
}

/**
 * The winner: the highest score among the players who did not leave; on a
 * tie, the tied player latest in turn order (the highest seat). Null only when
 * nobody is left to win.
 */
export function winnerOf(scores: readonly PlayerScore[]): number | null {
  let best: PlayerScore | null = null;
  for (const s of scores) {
    if (s.left) continue;
    if (!best || s.score > best.score || (s.score === best.score && s.playerId > best.playerId)) best = s;
  }
  return best?.playerId ?? null;
}

export function scoreBoard(state: GameState): { scores: PlayerScore[]; winner: number | null } {
  const settings = state.settings;
  if (!settings) return { scores: [], winner: null };
  const scores = state.players.map((p) => scorePlayer(p, settings));
  return { scores, winner: winnerOf(scores) };
}
