import type { GameEvent, GameView, PlayerView } from "@gamejournal/shared";
import { coinAt, type GameState } from "./state.ts";

/**
 * What one viewer may see. A player sees their own hand; everyone sees hand
 * sizes, the caravans, played cards, claimed cards, coins and both rows.
 * Nobody sees the seed or the order of the decks (only how many cards are
 * left in them). `viewer` null is a spectator: the public view. A viewer
 * without a seat sees the public view too. For a state with no `GameCreated`
 * (status `none`) the view says `waiting` with no players: answer "not found"
 * before asking for it.
 */
export function playerView(state: GameState, viewer: number | null): GameView {
  const finished = state.status === "finished";
  const scores = new Map((state.scores ?? []).map((s) => [s.playerId, s.score]));
  const players = state.players.map((p): PlayerView => ({
    playerId: p.playerId,
    name: p.name,
    caravan: { ...p.caravan },
    ...(p.playerId === viewer ? { hand: [...p.hand] } : {}),
    handCount: p.hand.length,
    played: [...p.played],
    pointCards: [...p.pointCards],
    coins: { ...p.coins },
    left: p.left,
    ...(finished && scores.has(p.playerId) ? { score: scores.get(p.playerId)! } : {}),
  }));
  return {
    gameId: state.gameId,
    status: state.status === "none" ? "waiting" : state.status,
    version: state.version,
    numPlayers: state.numPlayers,
    settings: state.settings,
    round: state.round,
    currentPlayer: state.currentPlayer,
    phase: state.phase,
    players,
    merchants: state.merchantRow.map((slot) => ({ card: slot.card, deposits: { ...slot.deposits } })),
    merchantDeckCount: state.merchantDeck.length,
    pointRow: state.pointRow.map((card, i) => {
      const coin = coinAt(state.coins, i);
      return coin ? { card, coin } : { card };
    }),
    pointDeckCount: state.pointDeck.length,
    coins: { ...state.coins },
    ...(finished ? { winner: state.winner } : {}),
  };
}

/**
 * An event as `viewer` may see it (null: a spectator). Stored events keep
 * everything; anything read by a client, live or from the log, goes through
 * here:
 *
 * - `GameCreated` loses the seed.
 * - `GameStarted` loses the decks' order (their sizes stay) and every hand but
 *   the viewer's (hand sizes stay).
 * - `ItemAcquired` by another player loses the card taken (it goes into a
 *   hand); the slot index stays, as the row shows it to everyone anyway.
 * - `PlayerRested` by another player loses the ids of the cards taken back.
 *
 * The result is a fresh object; the stored event is not changed.
 */
export function eventView(event: GameEvent, viewer: number | null): GameEvent {
  switch (event.type) {
    case "GameCreated": {
      const { seed: _seed, ...data } = event.data;
      return { ...event, data };
    }
    case "GameStarted": {
      const { merchantDeck: _m, pointDeck: _p, ...data } = event.data;
      return {
        ...event,
        data: {
          ...data,
          seats: data.seats.map(({ hand, ...seat }) => (seat.playerId === viewer && hand ? { ...seat, hand } : seat)),
        },
      };
    }
    case "ItemAcquired": {
      if (event.playerId === viewer) return event;
      const { card: _card, cardId: _id, ...data } = event.data;
      return { ...event, data };
    }
    case "PlayerRested": {
      if (event.playerId === viewer) return event;
      const { cardIds: _ids, ...data } = event.data;
      return { ...event, data };
    }
    default:
      return event;
  }
}
