import type { Caravan, Coin, CoinCount, GameRulesSettings, MerchantCard, PlayerScore, PointCard } from "@gamejournal/shared";
import { total } from "./spices.ts";

/**
 * The authoritative state of one game: a fold of its events (`evolve`) from
 * `initialState()`. Treat it as immutable: `evolve` returns a new state that
 * shares unchanged parts with the old one. It holds secrets (the seed, the
 * decks, every hand): send clients `playerView(state, viewer)`, never this.
 */
export interface GameState {
  /** "" before `GameCreated`. */
  readonly gameId: string;
  /** `none`: no `GameCreated` yet. */
  readonly status: "none" | "waiting" | "playing" | "finished";
  /** Events folded so far: the id of the last one when ids count 1, 2, 3… */
  readonly version: number;
  readonly numPlayers: number;
  /** The numbers this game runs with (from `GameCreated`); null before it. */
  readonly settings: GameRulesSettings | null;
  /** Hidden: the deal comes from it. */
  readonly seed: string;
  readonly createdAt: string | null;
  /** Seated players by seat; `playerId` is the 1-based seat, which is also the turn order. */
  readonly players: readonly PlayerState[];
  /** 1 for the first round; 0 before the start. */
  readonly round: number;
  readonly currentPlayer: number | null;
  /** `discard`: the current player acted and must bring the caravan down to capacity. */
  readonly phase: "action" | "discard" | null;
  readonly merchantRow: readonly MerchantSlot[];
  /** Hidden: the merchant deck, top first. */
  readonly merchantDeck: readonly MerchantCard[];
  readonly pointRow: readonly PointCard[];
  /** Hidden: the point deck, top first. */
  readonly pointDeck: readonly PointCard[];
  /** Coins still on the board. */
  readonly coins: CoinCount;
  readonly winner: number | null;
  /** Set by `GameFinished`. */
  readonly scores: readonly PlayerScore[] | null;
}

export interface PlayerState {
  readonly playerId: number;
  readonly name: string;
  readonly caravan: Caravan;
  readonly hand: readonly MerchantCard[];
  readonly played: readonly MerchantCard[];
  readonly pointCards: readonly PointCard[];
  readonly coins: CoinCount;
  /** Left a running game: still scored, never wins, turns skipped. */
  readonly left: boolean;
}

export interface MerchantSlot {
  readonly card: MerchantCard;
  /** Spices players left on this card when acquiring cards to its right. */
  readonly deposits: Caravan;
}

/** The state before any event: fold a game's events from here. */
export function initialState(): GameState {
  return {
    gameId: "",
    status: "none",
    version: 0,
    numPlayers: 0,
    settings: null,
    seed: "",
    createdAt: null,
    players: [],
    round: 0,
    currentPlayer: null,
    phase: null,
    merchantRow: [],
    merchantDeck: [],
    pointRow: [],
    pointDeck: [],
    coins: { gold: 0, silver: 0 },
    winner: null,
    scores: null,
  };
}

export const playerOf = (state: GameState, playerId: number | null): PlayerState | undefined =>
  playerId === null ? undefined : state.players.find((p) => p.playerId === playerId);

/** Players still taking turns, in turn order. */
export const activePlayers = (state: GameState): PlayerState[] => state.players.filter((p) => !p.left);

/** A copy of `state` with one player replaced by `change(player)`. */
export function withPlayer(state: GameState, playerId: number | null, change: (p: PlayerState) => PlayerState): GameState {
  const i = state.players.findIndex((p) => p.playerId === playerId);
  if (i < 0) return state;
  const players = state.players.slice();
  players[i] = change(players[i]!);
  return { ...state, players };
}

/**
 * The coin lying on point-row slot `index`: gold on slot 0 and silver on
 * slot 1 while coins remain; once the gold is gone the silver coins lie on
 * slot 0 and slot 1 has none.
 */
export function coinAt(coins: CoinCount, index: number): Coin | null {
  if (index === 0) return coins.gold > 0 ? "gold" : coins.silver > 0 ? "silver" : null;
  if (index === 1) return coins.gold > 0 && coins.silver > 0 ? "silver" : null;
  return null;
}

export const caravanSize = (p: PlayerState): number => total(p.caravan);

/** The first unused seat (1-based), or null when all `numPlayers` are taken. */
export function freeSeat(state: GameState): number | null {
  for (let seat = 1; seat <= state.numPlayers; seat++) if (!state.players.some((p) => p.playerId === seat)) return seat;
  return null;
}
