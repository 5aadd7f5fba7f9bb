import type { GameView } from "@gamejournal/shared";
import type { GameState } from "../rules/index.ts";

/**
 * A rules state built from what one player sees (their `GameView`): enough
 * for `legalCommands`/`randomCommand` to choose that player's move, since
 * those read only the player's own hand and caravan, the rows, the phase and
 * the settings. Other players' hands and the decks are unknown and left
 * empty: never decide or fold with it.
 */
export function stateFromView(view: GameView): GameState {
  return {
    gameId: view.gameId,
    status: view.status,
    version: view.version,
    numPlayers: view.numPlayers,
    settings: view.settings,
    seed: "",
    createdAt: null,
    players: view.players.map((p) => ({
      playerId: p.playerId,
      name: p.name,
      caravan: p.caravan,
      hand: p.hand ?? [],
      played: p.played,
      pointCards: p.pointCards,
      coins: p.coins,
      left: p.left,
    })),
    round: view.round,
    currentPlayer: view.currentPlayer,
    phase: view.phase,
    merchantRow: view.merchants.map((m) => ({ card: m.card, deposits: m.deposits })),
    merchantDeck: [],
    pointRow: view.pointRow.map((slot) => slot.card),
    pointDeck: [],
    coins: view.coins,
    winner: view.winner ?? null,
    scores: null,
  };
}
