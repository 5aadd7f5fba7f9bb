import type { CoinCount, GameEvent, GameEventOf, MerchantCard, PointCard } from "@gamejournal/shared";
import { merchantCard, pointCard } from "./cards.ts";
import { add, EMPTY, one, total } from "./spices.ts";
import { initialState, withPlayer, type GameState, type MerchantSlot, type PlayerState } from "./state.ts";

/**
 * Folds one event into the state: `state = events.reduce(evolve, initialState())`.
 * Pure and total: it never throws, and an event it does not know only raises
 * the version. It trusts the events (they were checked by `decide` before they
 * were appended); the resulting caravans are taken from the events as they
 * were computed then, the cards moved are the state's own.
 */
export function evolve(state: GameState, event: GameEvent): GameState {
  const next = apply(state, event);
  return { ...next, version: state.version + 1 };
}

/** Folds a list of events. */
export const fold = (events: Iterable<GameEvent>, from: GameState = initialState()): GameState => {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
};

function apply(state: GameState, event: GameEvent): GameState {
  switch (event.type) {
    case "GameCreated":
      return {
        ...initialState(),
        gameId: event.data.gameId,
        status: "waiting",
        numPlayers: event.data.numPlayers,
        settings: event.data.settings,
        seed: event.data.seed ?? "",
        createdAt: event.data.createdAt ?? null,
      };
    case "PlayerJoined": {
      const player: PlayerState = {
        playerId: event.data.playerId,
        name: event.data.name,
        caravan: { ...EMPTY },
        hand: [],
        played: [],
        pointCards: [],
        coins: { gold: 0, silver: 0 },
        left: false,
      };
      const players = [...state.players.filter((p) => p.playerId !== player.playerId), player].sort((a, b) => a.playerId - b.playerId);
      return { ...state, players };
    }
    case "PlayerLeft":
      if (event.data.during === "waiting") return { ...state, players: state.players.filter((p) => p.playerId !== event.data.playerId) };
      return withPlayer(state, event.data.playerId, (p) => ({ ...p, left: true }));
    case "GameStarted":
      return started(state, event);
    case "CardPlayed":
      return afterAction(
        withPlayer(state, event.playerId, (p) => {
          const i = p.hand.findIndex((c) => c.id === event.data.cardId);
          const card = i >= 0 ? p.hand[i]! : event.data.card;
          return { ...p, hand: i >= 0 ? p.hand.toSpliced(i, 1) : p.hand, played: [...p.played, card], caravan: event.data.caravan };
        }),
      );
    case "ItemAcquired":
      return afterAction(acquired(state, event));
    case "PlayerRested":
      return withPlayer(state, event.playerId, (p) => ({ ...p, hand: [...p.hand, ...p.played], played: [] }));
    case "ClaimCompleted":
      return afterAction(claimed(state, event));
    case "SpicesDiscarded":
      return afterAction(withPlayer(state, event.playerId, (p) => ({ ...p, caravan: event.data.caravan })));
    case "TurnEnded":
      return {
        ...state,
        currentPlayer: event.data.nextPlayer,
        round: event.data.round,
        phase: event.data.nextPlayer === null ? null : "action",
      };
    case "GameFinished":
      return {
        ...state,
        status: "finished",
        currentPlayer: null,
        phase: null,
        winner: event.data.winner,
        scores: event.data.scores,
      };
    default:
      return state;
  }
}

function started(state: GameState, event: GameEventOf<"GameStarted">): GameState {
  const d = event.data;
  const players = state.players.map((p) => {
    const seat = d.seats.find((s) => s.playerId === p.playerId);
    return seat ? { ...p, caravan: seat.caravan, hand: seat.hand ?? [] } : p;
  });
  return {
    ...state,
    status: "playing",
    players,
    round: 1,
    currentPlayer: d.firstPlayer,
    phase: "action",
    merchantRow: d.merchantRow.map((card) => ({ card, deposits: { ...EMPTY } })),
    merchantDeck: (d.merchantDeck ?? []).map(merchantCard).filter((c): c is MerchantCard => c !== undefined),
    pointRow: d.pointRow,
    pointDeck: (d.pointDeck ?? []).map(pointCard).filter((c): c is PointCard => c !== undefined),
    coins: d.coins,
  };
}

function acquired(state: GameState, event: GameEventOf<"ItemAcquired">): GameState {
  const { index, deposits } = event.data;
  const taken = state.merchantRow[index];
  const card = taken?.card ?? event.data.card;
  const next = withPlayer(state, event.playerId, (p) => ({ ...p, hand: card ? [...p.hand, card] : p.hand, caravan: event.data.caravan }));
  if (!taken) return next;
  const row: MerchantSlot[] = state.merchantRow.map((slot, i) =>
    i < index && deposits[i] ? { card: slot.card, deposits: add(slot.deposits, one(deposits[i]!)) } : slot,
  );
  row.splice(index, 1);
  const [refill, ...deck] = state.merchantDeck;
  if (refill) row.push({ card: refill, deposits: { ...EMPTY } });
  return { ...next, merchantRow: row, merchantDeck: refill ? deck : state.merchantDeck };
}

function claimed(state: GameState, event: GameEventOf<"ClaimCompleted">): GameState {
  const { index, coin } = event.data;
  const inRow = state.pointRow[index];
  const card = inRow ?? event.data.card;
  const row = inRow ? state.pointRow.toSpliced(index, 1) : state.pointRow.slice();
  const [first, ...deck] = state.pointDeck;
  const refill = inRow ? first : undefined;
  if (refill) row.push(refill);
  const gain: CoinCount = { gold: coin === "gold" ? 1 : 0, silver: coin === "silver" ? 1 : 0 };
  const next = withPlayer(state, event.playerId, (p) => ({
    ...p,
    pointCards: [...p.pointCards, card],
    coins: { gold: p.coins.gold + gain.gold, silver: p.coins.silver + gain.silver },
    caravan: event.data.caravan,
  }));
  return {
    ...next,
    pointRow: row,
    pointDeck: refill ? deck : state.pointDeck,
    coins: { gold: Math.max(0, state.coins.gold - gain.gold), silver: Math.max(0, state.coins.silver - gain.silver) },
  };
}

/** After an action or a discard: the turn waits for a discard while the current player holds too many spices. */
function afterAction(state: GameState): GameState {
  const current = state.players.find((p) => p.playerId === state.currentPlayer);
  if (!current || !state.settings || state.status !== "playing") return state;
  return { ...state, phase: total(current.caravan) > state.settings.caravanCapacity ? "discard" : "action" };
}
