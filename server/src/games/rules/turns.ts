import type { GameEventOf } from "@gamejournal/shared";
import type { Draft } from "./decision.ts";
import { scoreBoard } from "./scoring.ts";
import { lowest, total } from "./spices.ts";
import { activePlayers, playerOf, type GameState } from "./state.ts";

type FinishReason = GameEventOf<"GameFinished">["data"]["reason"];

/**
 * Why the game ends when the current round completes, or null. A round ends
 * when the turn passes from the last seat still playing back to the first.
 * The game then ends when a player holds the point cards that end it, or when
 * the point row is empty (no card is left to claim, so no one could reach it).
 */
export function endOfGameReason(state: GameState): FinishReason | null {
  const needed = state.settings?.pointCardsToEnd ?? Infinity;
  if (state.players.some((p) => p.pointCards.length >= needed)) return "pointCards";
  if (state.pointRow.length === 0) return "pointRowEmpty";
  return null;
}

/** Ends the game now: `GameFinished` with the scores and the winner. */
export function finish(draft: Draft, reason: FinishReason): void {
  const { scores, winner } = scoreBoard(draft.state);
  draft.push({ type: "GameFinished", playerId: null, data: { reason, scores, winner, round: draft.state.round } });
}

/**
 * Passes the turn to the next seat still playing (`TurnEnded`); at the end of
 * a round that ends the game, `TurnEnded` names no next player and
 * `GameFinished` follows.
 */
export function passTurn(draft: Draft): void {
  const state = draft.state;
  const ending = state.currentPlayer;
  const order = activePlayers(state).map((p) => p.playerId);
  if (ending === null || order.length === 0) return;
  const later = order.find((id) => id > ending);
  const wraps = later === undefined;
  const reason = wraps ? endOfGameReason(state) : null;
  if (reason) {
    draft.push({ type: "TurnEnded", playerId: ending, data: { nextPlayer: null, round: state.round } });
    finish(draft, reason);
    return;
  }
  draft.push({ type: "TurnEnded", playerId: ending, data: { nextPlayer: later ?? order[0]!, round: wraps ? state.round + 1 : state.round } });
}

/** Discards the current player's lowest spices down to the capacity (`SpicesDiscarded`, automatic). */
export function autoDiscard(draft: Draft): void {
  const state = draft.state;
  const player = playerOf(state, state.currentPlayer);
  const capacity = state.settings?.caravanCapacity ?? Infinity;
  if (!player || total(player.caravan) <= capacity) return;
  const spices = lowest(player.caravan, total(player.caravan) - capacity);
  const caravan = {
    yellow: player.caravan.yellow - spices.yellow,
    red: player.caravan.red - spices.red,
    green: player.caravan.green - spices.green,
    brown: player.caravan.brown - spices.brown,
  };
  draft.push({ type: "SpicesDiscarded", playerId: player.playerId, data: { spices, caravan, automatic: true } });
}

/** After an action: the turn passes unless the caravan is over capacity (the discard phase). */
export function closeAction(draft: Draft): void {
  if (draft.state.phase === "discard") return;
  passTurn(draft);
}
