import { z } from "zod";

/**
 * Wire shapes of the game rooms (seed 003: a Century: Spice Road server).
 * Clients send commands (`{commandId, type, ...}`); the server answers with
 * events (`{type, playerId, data}`) and state views. The rules that give
 * these shapes their meaning live in `server/src/games/rules/`.
 *
 * Events as they are stored carry everything a replay needs; events and
 * states a player reads pass through the server's view filter first, so the
 * fields marked "hidden" below are absent from anything a client receives.
 */

// ---------------------------------------------------------------- spices

/** The four spices, low to high. */
export const SPICES = ["yellow", "red", "green", "brown"] as const;
export type Spice = (typeof SPICES)[number];
export const SpiceSchema = z.enum(SPICES, { error: `a spice is one of ${SPICES.join(", ")}` });

const count = z.number().int().nonnegative();

/** Some spices, by colour; a missing colour is none. */
export const SpicesSchema = z.strictObject({
  yellow: count.optional(),
  red: count.optional(),
  green: count.optional(),
  brown: count.optional(),
});
export interface Spices {
  yellow?: number;
  red?: number;
  green?: number;
  brown?: number;
}

/** A full spice count: every colour present (a caravan, deposits on a card). */
export const CaravanSchema = z.strictObject({ yellow: count, red: count, green: count, brown: count });
export interface Caravan {
  yellow: number;
  red: number;
  green: number;
  brown: number;
}

// ---------------------------------------------------------------- cards

export const MERCHANT_KINDS = ["spice", "upgrade", "trade"] as const;
export type MerchantKind = (typeof MERCHANT_KINDS)[number];

/**
 * A merchant card. `spice`: gain `gain`. `upgrade`: raise spices up to
 * `steps` steps. `trade`: pay `cost`, gain `gain`, repeatable.
 */
export const MerchantCardSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(MERCHANT_KINDS),
  gain: SpicesSchema.optional(),
  cost: SpicesSchema.optional(),
  steps: z.number().int().positive().optional(),
});
export interface MerchantCard {
  id: string;
  kind: MerchantKind;
  gain?: Spices;
  cost?: Spices;
  steps?: number;
}

/** A point card: pay `cost` to claim it for `points`. */
export const PointCardSchema = z.object({
  id: z.string().min(1),
  points: z.number().int().positive(),
  cost: SpicesSchema,
});
export interface PointCard {
  id: string;
  points: number;
  cost: Spices;
}

export const COINS = ["gold", "silver"] as const;
export type Coin = (typeof COINS)[number];
export const CoinSchema = z.enum(COINS);
export const CoinCountSchema = z.object({ gold: count, silver: count });
export interface CoinCount {
  gold: number;
  silver: number;
}

// ---------------------------------------------------------------- commands

/** A client's idempotency key for one command: a retry sends the same one. */
export const CommandIdSchema = z
  .string({ error: "commandId is required" })
  .min(1, "commandId must not be empty")
  .max(128, "commandId must be at most 128 characters");

const cardId = z.string({ error: "cardId is required" }).min(1, "cardId must not be empty").max(64);
const slot = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be an integer`).nonnegative(`${what} must be 0 or more`);

/**
 * Play a card from hand. Trade cards take `multiplier` (how many times the
 * trade runs, default 1). Upgrade cards need `upgrades`: each entry raises one
 * spice of that colour one step, in order (so `["yellow", "red"]` may raise a
 * yellow to red and then that red to green); fewer entries than the card's
 * steps leave steps unused, an empty list is allowed.
 */
export const PlayCardCommandSchema = z.object({
  commandId: CommandIdSchema,
  type: z.literal("playCard"),
  cardId,
  multiplier: z.number().int("multiplier must be an integer").min(1, "multiplier must be 1 or more").max(1000, "multiplier must be at most 1000").optional(),
  upgrades: z.array(SpiceSchema).max(10, "upgrades has at most 10 entries").optional(),
});

/**
 * Take the merchant card at `index` (0-based) with the spices lying on it,
 * paying one spice onto each card to its left: `deposits[i]` goes onto card
 * `i`. Omitted, the lowest spices are paid (yellow first).
 */
export const AcquireCommandSchema = z.object({
  commandId: CommandIdSchema,
  type: z.literal("acquire"),
  index: slot("index"),
  deposits: z.array(SpiceSchema).max(10).optional(),
});

/** Take every played card back into hand. */
export const RestCommandSchema = z.object({ commandId: CommandIdSchema, type: z.literal("rest") });

/** Pay the point card at `index` (0-based) and take it (with a coin on slots 0 and 1). */
export const ClaimCommandSchema = z.object({ commandId: CommandIdSchema, type: z.literal("claim"), index: slot("index") });

/** In the discard phase: throw away these spices, leaving at most the caravan capacity. */
export const DiscardCommandSchema = z.object({ commandId: CommandIdSchema, type: z.literal("discard"), spices: SpicesSchema });

/** In the discard phase: discard automatically (lowest spices first) and pass the turn. */
export const EndTurnCommandSchema = z.object({ commandId: CommandIdSchema, type: z.literal("endTurn") });

export const GameCommandSchema = z.discriminatedUnion(
  "type",
  [PlayCardCommandSchema, AcquireCommandSchema, RestCommandSchema, ClaimCommandSchema, DiscardCommandSchema, EndTurnCommandSchema],
  { error: "type must be one of playCard, acquire, rest, claim, discard, endTurn" },
);
export interface PlayCardCommand {
  commandId: string;
  type: "playCard";
  cardId: string;
  multiplier?: number;
  upgrades?: Spice[];
}
export interface AcquireCommand {
  commandId: string;
  type: "acquire";
  index: number;
  deposits?: Spice[];
}
export interface RestCommand {
  commandId: string;
  type: "rest";
}
export interface ClaimCommand {
  commandId: string;
  type: "claim";
  index: number;
}
export interface DiscardCommand {
  commandId: string;
  type: "discard";
  spices: Spices;
}
export interface EndTurnCommand {
  commandId: string;
  type: "endTurn";
}
export type GameCommand = PlayCardCommand | AcquireCommand | RestCommand | ClaimCommand | DiscardCommand | EndTurnCommand;
export type GameCommandType = GameCommand["type"];
/** A command without its `commandId` (what a client decides before numbering it). */
export type GameCommandBody = GameCommand extends infer C ? (C extends unknown ? Omit<C, "commandId"> : never) : never;

/** The seed's name for each command (seed 003's `...Requested` message types). */
export const COMMAND_SEED_NAMES = {
  playCard: "PlayCardRequested",
  acquire: "AcquireRequested",
  rest: "RestRequested",
  claim: "ClaimRequested",
  endTurn: "EndTurnRequested",
  discard: "DiscardRequested",
} as const satisfies Record<GameCommandType, string>;

// ---------------------------------------------------------------- settings

/** The rules' numbers for one game, recorded in `GameCreated`. */
export const GameRulesSettingsSchema = z.object({
  maxPlayers: z.number().int().min(2).max(5),
  caravanCapacity: z.number().int().positive(),
  /** Point cards a player must claim to end the game (after that round). */
  pointCardsToEnd: z.number().int().positive(),
  goldCoinPoints: count,
  silverCoinPoints: count,
});
export interface GameRulesSettings {
  maxPlayers: number;
  caravanCapacity: number;
  pointCardsToEnd: number;
  goldCoinPoints: number;
  silverCoinPoints: number;
}

// ---------------------------------------------------------------- events

const playerId = z.number().int().positive();
const nullablePlayer = playerId.nullable();

export const GameCreatedDataSchema = z.object({
  gameId: z.string().min(1),
  numPlayers: z.number().int().min(2).max(5),
  settings: GameRulesSettingsSchema,
  /** Hidden: the RNG seed the deal comes from. */
  seed: z.string().optional(),
  /** ISO 8601, supplied by the caller. */
  createdAt: z.string().optional(),
});

export const PlayerJoinedDataSchema = z.object({ playerId, name: z.string() });

/** `during: "waiting"` frees the seat; `"playing"` keeps it (its turns are skipped). */
export const PlayerLeftDataSchema = z.object({ playerId, during: z.enum(["waiting", "playing"]) });

export const StartingSeatSchema = z.object({
  playerId,
  caravan: CaravanSchema,
  /** Hidden from everyone but this seat. */
  hand: z.array(MerchantCardSchema).optional(),
  handCount: count,
});

export const GameStartedDataSchema = z.object({
  /** Turn order (seat order). */
  order: z.array(playerId),
  firstPlayer: playerId,
  seats: z.array(StartingSeatSchema),
  merchantRow: z.array(MerchantCardSchema),
  pointRow: z.array(PointCardSchema),
  coins: CoinCountSchema,
  /** Hidden: the remaining merchant deck, top first (card ids). */
  merchantDeck: z.array(z.string()).optional(),
  /** Hidden: the remaining point deck, top first (card ids). */
  pointDeck: z.array(z.string()).optional(),
  merchantDeckCount: count,
  pointDeckCount: count,
});

export const CardPlayedDataSchema = z.object({
  cardId: z.string(),
  card: MerchantCardSchema,
  multiplier: z.number().int().positive().optional(),
  upgrades: z.array(SpiceSchema).optional(),
  paid: CaravanSchema,
  gained: CaravanSchema,
  /** The caravan after the play. */
  caravan: CaravanSchema,
});

export const ItemAcquiredDataSchema = z.object({
  index: count,
  /** Hidden from other players (the card goes into a hand). */
  cardId: z.string().optional(),
  card: MerchantCardSchema.optional(),
  /** `deposits[i]` was placed on the card at slot i. */
  deposits: z.array(SpiceSchema),
  /** The spices that lay on the acquired card, now in the caravan. */
  taken: CaravanSchema,
  caravan: CaravanSchema,
  /** The card dealt into the rightmost slot; null when the deck is empty. */
  refill: MerchantCardSchema.nullable(),
});

export const PlayerRestedDataSchema = z.object({
  count,
  /** Hidden from other players: the cards taken back into hand. */
  cardIds: z.array(z.string()).optional(),
});

export const ClaimCompletedDataSchema = z.object({
  index: count,
  cardId: z.string(),
  card: PointCardSchema,
  coin: CoinSchema.nullable(),
  paid: CaravanSchema,
  caravan: CaravanSchema,
  refill: PointCardSchema.nullable(),
});

export const SpicesDiscardedDataSchema = z.object({
  spices: CaravanSchema,
  caravan: CaravanSchema,
  /** True when the server chose the spices (endTurn, or a player who left). */
  automatic: z.boolean(),
});

export const TurnEndedDataSchema = z.object({
  /** Whose turn it is now; null when the game ends with this turn. */
  nextPlayer: nullablePlayer,
  /** The round the next turn belongs to. */
  round: z.number().int().positive(),
});

export const PlayerScoreSchema = z.object({
  playerId,
  score: z.number().int(),
  cardPoints: count,
  gold: count,
  silver: count,
  /** Non-yellow spices in the caravan (1 point each). */
  spicePoints: count,
  pointCards: count,
  left: z.boolean(),
});
export interface PlayerScore {
  playerId: number;
  score: number;
  cardPoints: number;
  gold: number;
  silver: number;
  spicePoints: number;
  pointCards: number;
  left: boolean;
}

export const GameFinishedDataSchema = z.object({
  reason: z.enum(["pointCards", "pointRowEmpty", "playersLeft"]),
  scores: z.array(PlayerScoreSchema),
  winner: nullablePlayer,
  round: z.number().int().nonnegative(),
});

const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), playerId: nullablePlayer, data });

export const GameEventSchema = z.discriminatedUnion("type", [
  event("GameCreated", GameCreatedDataSchema),
  event("PlayerJoined", PlayerJoinedDataSchema),
  event("PlayerLeft", PlayerLeftDataSchema),
  event("GameStarted", GameStartedDataSchema),
  event("CardPlayed", CardPlayedDataSchema),
  event("ItemAcquired", ItemAcquiredDataSchema),
  event("PlayerRested", PlayerRestedDataSchema),
  event("ClaimCompleted", ClaimCompletedDataSchema),
  event("SpicesDiscarded", SpicesDiscardedDataSchema),
  event("TurnEnded", TurnEndedDataSchema),
  event("GameFinished", GameFinishedDataSchema),
]);
export type GameEvent = z.infer<typeof GameEventSchema>;
export type GameEventType =
  | "GameCreated"
  | "PlayerJoined"
  | "PlayerLeft"
  | "GameStarted"
  | "CardPlayed"
  | "ItemAcquired"
  | "PlayerRested"
  | "ClaimCompleted"
  | "SpicesDiscarded"
  | "TurnEnded"
  | "GameFinished";
export type GameEventOf<T extends GameEventType> = Extract<GameEvent, { type: T }>;
export const GAME_EVENT_TYPES = GameEventSchema.options.map((o) => o.shape.type.value) as GameEventType[];

// ---------------------------------------------------------------- state view
/** A game room's status (the lobby's game records have their own, GAME_STATUSES in lobby.ts). */

export const ROOM_STATUSES = ["waiting", "playing", "finished"] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

export const PlayerViewSchema = z.object({
  playerId,
  name: z.string(),
  caravan: CaravanSchema,
  /** Only in the viewer's own seat. */
  hand: z.array(MerchantCardSchema).optional(),
  handCount: count,
  played: z.array(MerchantCardSchema),
  pointCards: z.array(PointCardSchema),
  coins: CoinCountSchema,
  /** True once the player left a running game (their turns are skipped). */
  left: z.boolean(),
  /** Once the game is finished. */
  score: z.number().int().optional(),
});
export interface PlayerView {
  playerId: number;
  name: string;
  caravan: Caravan;
  hand?: MerchantCard[];
  handCount: number;
  played: MerchantCard[];
  pointCards: PointCard[];
  coins: CoinCount;
  left: boolean;
  score?: number;
}

export const GameViewSchema = z.object({
  gameId: z.string(),
  status: z.enum(ROOM_STATUSES),
  /** Events applied so far (the id of the last one). */
  version: count,
  numPlayers: count,
  settings: GameRulesSettingsSchema.nullable(),
  /** 0 before the start. */
  round: count,
  currentPlayer: nullablePlayer,
  /** `discard`: the current player must bring the caravan down to capacity. */
  phase: z.enum(["action", "discard"]).nullable(),
  players: z.array(PlayerViewSchema),
  merchants: z.array(z.object({ card: MerchantCardSchema, deposits: CaravanSchema })),
  merchantDeckCount: count,
  pointRow: z.array(z.object({ card: PointCardSchema, coin: CoinSchema.optional() })),
  pointDeckCount: count,
  /** Coins left on the board. */
  coins: CoinCountSchema,
  winner: nullablePlayer.optional(),
});
export interface GameView {
  gameId: string;
  status: RoomStatus;
  version: number;
  numPlayers: number;
  settings: GameRulesSettings | null;
  round: number;
  currentPlayer: number | null;
  phase: "action" | "discard" | null;
  players: PlayerView[];
  merchants: Array<{ card: MerchantCard; deposits: Caravan }>;
  merchantDeckCount: number;
  pointRow: Array<{ card: PointCard; coin?: Coin }>;
  pointDeckCount: number;
  coins: CoinCount;
  winner?: number | null;
}

// The types a client sees are plain interfaces, so the client's published declarations do not depend on
// zod; each is checked here to be exactly what its schema accepts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameTypes: [
  Same<Spices, z.infer<typeof SpicesSchema>>,
  Same<Caravan, z.infer<typeof CaravanSchema>>,
  Same<MerchantCard, z.infer<typeof MerchantCardSchema>>,
  Same<PointCard, z.infer<typeof PointCardSchema>>,
  Same<CoinCount, z.infer<typeof CoinCountSchema>>,
  Same<GameCommand, z.infer<typeof GameCommandSchema>>,
  Same<GameRulesSettings, z.infer<typeof GameRulesSettingsSchema>>,
  Same<GameEventType, GameEvent["type"]>,
  Same<PlayerView, z.infer<typeof PlayerViewSchema>>,
  Same<GameView, z.infer<typeof GameViewSchema>>,
  Same<PlayerScore, z.infer<typeof PlayerScoreSchema>>,
] = [true, true, true, true, true, true, true, true, true, true, true];
void _sameTypes;

// ---------------------------------------------------------------- rejections

/** Why a command was rejected; nothing is appended for a rejected command. */
export const GAME_REJECTION_CODES = [
  /** The command is malformed (a missing or mistyped field; the message names it). */
  "INVALID_COMMAND",
  /** No `GameCreated` for this game. */
  "GAME_NOT_FOUND",
  /** Creating a game whose id exists. */
  "GAME_EXISTS",
  /** `numPlayers` is not a whole number from 2 to the maximum. */
  "INVALID_PLAYER_COUNT",
  /** Joining a game whose seats are all taken (or that has started). */
  "GAME_FULL",
  /** A move before every seat is taken. */
  "GAME_NOT_STARTED",
  /** Anything after `GameFinished`. */
  "GAME_OVER",
  /** The sender has no seat in the game, or left it. */
  "NOT_A_PLAYER",
  /** It is another player's turn. */
  "NOT_YOUR_TURN",
  /** The caravan is over capacity: only `discard` or `endTurn` now. */
  "MUST_DISCARD",
  /** `discard` outside the discard phase. */
  "NO_DISCARD_NEEDED",
  /** `endTurn` outside the discard phase: a turn is one action, which ends it. */
  "ACTION_REQUIRED",
  /** The card is not in the player's hand (unknown, someone else's, or played already). */
  "INVALID_CARD",
  /** Upgrades missing on an upgrade card, given for another card, more than its steps, or raising brown. */
  "INVALID_UPGRADE",
  /** A multiplier on a card that is not a trade, or not a whole number from 1. */
  "INVALID_MULTIPLIER",
  /** No card at that slot of the row. */
  "INVALID_INDEX",
  /** Not exactly one deposit per card left of the slot. */
  "INVALID_DEPOSITS",
  /** The caravan cannot pay (a trade, a claim, deposits, an upgrade or a discard of spices it lacks). */
  "INSUFFICIENT_SPICES",
  /** `rest` with no played cards. */
  "NOTHING_TO_REST",
  /** A discard that leaves the caravan over capacity. */
  "CARAVAN_FULL",
] as const;
export type GameRejectionCode = (typeof GAME_REJECTION_CODES)[number];

/** The HTTP status a rejection suggests (4xx; the body carries the code). */
export const GAME_REJECTION_STATUS: Record<GameRejectionCode, 400 | 403 | 404 | 409 | 422> = {
  INVALID_COMMAND: 400,
  INVALID_PLAYER_COUNT: 400,
  GAME_NOT_FOUND: 404,
  NOT_A_PLAYER: 403,
  GAME_EXISTS: 409,
  GAME_FULL: 409,
  GAME_NOT_STARTED: 409,
  GAME_OVER: 409,
  NOT_YOUR_TURN: 409,
  MUST_DISCARD: 409,
  NO_DISCARD_NEEDED: 409,
  ACTION_REQUIRED: 409,
  INVALID_CARD: 422,
  INVALID_UPGRADE: 422,
  INVALID_MULTIPLIER: 422,
  INVALID_INDEX: 422,
  INVALID_DEPOSITS: 422,
  INSUFFICIENT_SPICES: 422,
  NOTHING_TO_REST: 422,
  CARAVAN_FULL: 422,
};
