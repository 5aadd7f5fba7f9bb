import type { GameEventOf } from "@gamejournal/shared";
import { MERCHANT_CARDS, MERCHANT_ROW_SIZE, POINT_CARDS, POINT_ROW_SIZE, startingCaravan, startingHand } from "./cards.ts";
import { Draft, reject, type Accepted, type Decision } from "./decision.ts";
import { seededRandom, shuffle } from "./random.ts";
import { rulesFor, type GameSettings } from "./settings.ts";
import { activePlayers, freeSeat, playerOf, type GameState } from "./state.ts";
import { autoDiscard, finish, passTurn } from "./turns.ts";

export interface CreateGameInput {
  gameId: string;
  /** Seats; the game starts when all are taken. 2 to `settings.maxPlayers`. */
  numPlayers: number;
  /** The deal comes from it; recorded in `GameCreated`, never shown to players. Generate it randomly per game. */
  seed: string | number;
  /** The environment's settings (`loadGameSettings`); this game's numbers are recorded in `GameCreated`. */
  settings: GameSettings;
  /** ISO 8601 creation time, supplied by the caller (the rules read no clock). */
  at?: string;
}

/** `GameCreated`, on the state before any event. */
export function create(state: GameState, input: CreateGameInput): Decision {
  if (state.status !== "none") return reject("GAME_EXISTS", `game ${state.gameId} exists already`);
  if (typeof input.gameId !== "string" || input.gameId.length === 0 || input.gameId.length > 128) {
    return reject("INVALID_COMMAND", "gameId must be 1 to 128 characters");
  }
  const max = input.settings.maxPlayers;
  if (!Number.isInteger(input.numPlayers) || input.numPlayers < 2 || input.numPlayers > max) {
    return reject("INVALID_PLAYER_COUNT", `numPlayers must be a whole number from 2 to ${max}; got ${String(input.numPlayers)}`);
  }
  return {
    ok: true,
    events: [
      {
        type: "GameCreated",
        playerId: null,
        data: {
          gameId: input.gameId,
          numPlayers: input.numPlayers,
          settings: rulesFor(input.settings, input.numPlayers),
          seed: String(input.seed),
          ...(input.at ? { createdAt: input.at } : {}),
        },
      },
    ],
  };
}

export interface JoinInput {
  name: string;
}

/** An accepted join says which seat the player got (the `playerId` their token is for). */
export type JoinDecision = (Accepted & { playerId: number }) | Exclude<Decision, Accepted>;

/**
 * `PlayerJoined` on the lowest free seat; when that fills the last seat,
 * `GameStarted` follows with the deal.
 */
export function join(state: GameState, input: JoinInput): JoinDecision {
  if (state.status === "none") return reject("GAME_NOT_FOUND", "there is no such game");
  if (state.status === "finished") return reject("GAME_OVER", "the game is over");
  if (state.status === "playing") return reject("GAME_FULL", "the game has started: every seat is taken");
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (name.length === 0 || name.length > 64) return reject("INVALID_COMMAND", "name must be 1 to 64 characters");
  const seat = freeSeat(state);
  if (seat === null) return reject("GAME_FULL", `all ${state.numPlayers} seats are taken`);
  const draft = new Draft(state).push({ type: "PlayerJoined", playerId: seat, data: { playerId: seat, name } });
  if (freeSeat(draft.state) === null) draft.push(deal(draft.state));
  return { ...draft.accept(), playerId: seat };
}

/**
 * The deal, from the seed alone: the merchant deck, then the point deck, are
 * shuffled with one generator seeded by the game's seed. The event carries
 * the whole deal (the decks' order too, hidden from players), so a replay
 * needs neither the seed nor this function.
 */
export function deal(state: GameState): GameEventOf<"GameStarted"> {
  const random = seededRandom(state.seed);
  const merchants = shuffle(random, MERCHANT_CARDS);
  const points = shuffle(random, POINT_CARDS);
  const n = state.numPlayers;
  const order = state.players.map((p) => p.playerId);
  return {
    type: "GameStarted",
    playerId: null,
    data: {
      order,
      firstPlayer: order[0] ?? 1,
      seats: order.map((playerId) => ({ playerId, caravan: startingCaravan(playerId), hand: startingHand(playerId), handCount: 2 })),
      merchantRow: merchants.slice(0, MERCHANT_ROW_SIZE),
      pointRow: points.slice(0, POINT_ROW_SIZE),
      coins: { gold: 2 * n, silver: 2 * n },
      merchantDeck: merchants.slice(MERCHANT_ROW_SIZE).map((c) => c.id),
      pointDeck: points.slice(POINT_ROW_SIZE).map((c) => c.id),
      merchantDeckCount: Math.max(0, merchants.length - MERCHANT_ROW_SIZE),
      pointDeckCount: Math.max(0, points.length - POINT_ROW_SIZE),
    },
  };
}

/**
 * A player leaves (`PlayerLeft`).
 *
 * - Before the start the seat is freed; the next player to join takes the
 *   lowest free seat.
 * - During the game the seat stays: the player keeps their cards, coins and
 *   spices and is scored, but can no longer win (a forfeit) and their turns
 *   are skipped. If it was their turn, it passes at once (after an automatic
 *   discard if they were in the discard phase); a round whose last seats have
 *   left ends with the last seat still playing. When fewer than two players
 *   remain, the game finishes at once (`GameFinished`, reason `playersLeft`)
 *   and the one remaining player wins.
 * - After the end, leaving is rejected (`GAME_OVER`).
 */
export function leave(state: GameState, playerId: number): Decision {
  if (state.status === "none") return reject("GAME_NOT_FOUND", "there is no such game");
  if (state.status === "finished") return reject("GAME_OVER", "the game is over");
  const player = playerOf(state, playerId);
  if (!player) return reject("NOT_A_PLAYER", `player ${playerId} has no seat in this game`);
  if (player.left) return reject("NOT_A_PLAYER", `player ${playerId} left the game already`);
  const during = state.status === "waiting" ? "waiting" : "playing";
  const draft = new Draft(state).push({ type: "PlayerLeft", playerId, data: { playerId, during } });
  if (during === "waiting") return draft.accept();
  if (activePlayers(draft.state).length < 2) {
    finish(draft, "playersLeft");
    return draft.accept();
  }
  if (draft.state.currentPlayer === playerId) {
    if (draft.state.phase === "discard") autoDiscard(draft);
    passTurn(draft);
  }
  return draft.accept();
}
