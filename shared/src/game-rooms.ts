import { z } from "zod";
import { GAME_REJECTION_CODES, ROOM_STATUSES, type GameEventType, type GameRejectionCode, type GameView, type RoomStatus } from "./games.ts";

/**
 * What the game rooms' interfaces carry (REST under `/api/games`, tRPC
 * `games.*`, the plain WebSocket `/ws`): request bodies, answers, the
 * events as a client reads them and the live feed's items. The game's own
 * shapes (commands, events, views) are in games.ts.
 */

/** A game id: letters, digits, `_`, `.` and `-`, 1 to 128 characters, starting with a letter or digit (it appears in URLs and stream names). */
export const GameIdSchema = z
  .string({ error: "gameId must be a string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "gameId must be 1 to 128 letters, digits, _, . or -, starting with a letter or digit");

/** `POST /api/games`. `numPlayers` is checked by the rules (INVALID_PLAYER_COUNT names it). */
export const CreateRoomBodySchema = z.object({
  gameId: GameIdSchema.optional(),
  numPlayers: z.unknown(),
  /** The deal's seed. Omitted: a random one. Whoever chooses it can compute the deal, so leave it out outside tests. */
  seed: z.union([z.string().min(1).max(200), z.number()]).optional(),
});
export type CreateRoomBody = { gameId?: string; numPlayers: number; seed?: string | number };

/** `POST /api/games/{gameId}/join`. A `commandId` makes a retried join answer the first seat instead of taking another. */
export const JoinGameBodySchema = z.object({
  name: z.string({ error: "name is required" }),
  commandId: z.string().min(1).max(128).optional(),
});
export type JoinGameBody = z.infer<typeof JoinGameBodySchema>;

/** A refusal: nothing was appended. `code` says why; `field` names the offending field when there is one. */
export interface GameRejection {
  success: false;
  error: string;
  code: GameRejectionCode;
  field?: string;
}
export const isGameRejectionCode = (code: string): code is GameRejectionCode => (GAME_REJECTION_CODES as readonly string[]).includes(code);

/** An event as a client reads it (live or back from the log), already filtered for that client. */
export interface GameEventRecord {
  /** 1, 2, 3… per game, without gaps. */
  eventId: number;
  type: GameEventType;
  playerId: number | null;
  /** ISO 8601, when the event was stored. */
  timestamp: string;
  data: unknown;
}

export type CreateGameReply = { success: true; gameId: string } | GameRejection;
export type JoinGameReply = { success: true; gameId: string; playerId: number; token: string } | GameRejection;

/** The answer to a command (and to a leave): the events it appended, as the sender may see them, and the game's version after them. */
export type CommandReply =
  | {
      success: true;
      gameId: string;
      events: GameEventRecord[];
      version: number;
      /** Present when this command id had been applied before: these are the first result's events. */
      duplicate?: true;
    }
  | GameRejection;

/** `GET /api/games/{gameId}/events`. */
export interface GameEventsPage {
  gameId: string;
  events: GameEventRecord[];
  /** The id of the last event in `events`, else the `after` asked for: pass it as `after` to read on. */
  lastEventId: number;
}

/** One game of `GET /api/games`. */
export interface GameListItem {
  gameId: string;
  status: RoomStatus | null;
  numPlayers: number | null;
  players: Array<{ playerId: number; name: string }>;
  version: number;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export const ListGamesQuerySchema = z.object({
  status: z.enum(ROOM_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  after: GameIdSchema.optional(),
});

/** What a replay of a game's log reports (`gamejournal replay`, `POST /api/games/{gameId}/replay`). */
export interface ReplayReport {
  gameId: string;
  /** The game's version: the id of its last event. */
  version: number;
  /** Events read and folded. */
  events: number;
  status: RoomStatus;
  /** sha256 (hex) of the canonical JSON of the rebuilt state (keys sorted, nothing omitted but undefined). */
  digest: string;
  /** The stored snapshot, checked against the fold of the log up to its version; null when none is kept. */
  snapshot: { version: number; digest: string; matches: boolean } | null;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * An item of a game's live feed (tRPC `games.events`, each with its id): the
 * state first when the subscriber gave no `lastEventId` (its id is the
 * state's version), then each event after it.
 */
export type GameFeedItem = { type: "state"; gameId: string; state: GameView } | { type: "event"; gameId: string; event: GameEventRecord };

/**
 * Messages of the plain WebSocket `/ws?gameId=&lastEventId=` from the
 * server. The client sends commands (`{commandId, type, ...}`, as the body
 * of `POST /api/games/{gameId}/commands`) and may send `{"type": "ping"}`.
 */
export type GameSocketMessage =
  | { type: "state"; gameId: string; lastEventId: number; state: GameView }
  | { type: "event"; gameId: string; event: GameEventRecord }
  | { type: "replay_start"; gameId: string; after: number }
  | { type: "replay_complete"; gameId: string; lastEventId: number }
  | ({ type: "command_result"; commandId: string | null } & CommandReply)
  | { type: "pong" }
  | { type: "error"; error: string; code: string };
