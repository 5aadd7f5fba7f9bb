import { z } from "zod";

/**
 * The lobby's wire shapes (seed 004): game records driven by the Game
 * Master's `gm:lobby_events` stream, the per-player stats aggregate and the
 * capability results evaluated when a game finishes. Snake_case names as the
 * lobby service publishes them; times are ISO 8601 strings in UTC, to the ms.
 */

/** The Game Master's runtime event stream the lobby consumes (`LOBBY_GM_EVENTS_STREAM`). */
export const GM_LOBBY_EVENTS_STREAM = "gm:lobby_events";
/** Where the lobby journals what it decided (one `capabilities_evaluated` event per finished game). */
export const LOBBY_EVENTS_STREAM = "lobby:events";

export const GAME_STATUSES = [
  "draft",
  "enrollment_open",
  "ready_to_start",
  "starting",
  "start_failed",
  "running",
  "paused",
  "finished",
  "cancelled",
] as const;
export const GameStatusSchema = z.enum(GAME_STATUSES);
export type GameStatus = (typeof GAME_STATUSES)[number];

/** What may move a game from one status to another (see the transition table on the server). */
export const GAME_TRIGGERS = [
  "command",
  "deadline",
  "enough_players",
  "runtime_registered",
  "runtime_start_failed",
  "gm_unreachable",
  "runtime_event",
] as const;
export const GameTriggerSchema = z.enum(GAME_TRIGGERS);
export type GameTrigger = (typeof GAME_TRIGGERS)[number];

export const GAME_TYPES = ["public", "private"] as const;
export type GameType = (typeof GAME_TYPES)[number];

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

/** What the Game Master last reported of a running game; overwritten whole by each event. */
export const RuntimeSnapshotSchema = z.object({
  current_turn: count,
  runtime_status: z.string(),
  engine_health_summary: z.string(),
  /** When the lobby wrote this snapshot. */
  updated_at: isoTime,
});
/** Declared as plain interfaces (checked against the schemas) so the client's published types do not depend on zod. */
export interface RuntimeSnapshot {
  current_turn: number;
  runtime_status: string;
  engine_health_summary: string;
  updated_at: string;
}

export const GameRecordSchema = z.object({
  game_id: z.string(),
  name: z.string(),
  owner_id: z.string().nullable(),
  type: z.enum(GAME_TYPES),
  min_players: z.number().int(),
  max_players: z.number().int(),
  status: GameStatusSchema,
  runtime_snapshot: RuntimeSnapshotSchema.nullable(),
  /** Current members' user ids, sorted. */
  members: z.array(z.string()),
  created_at: isoTime,
  /** The latest change of any kind: status, snapshot or membership. */
  updated_at: isoTime,
  /** When the game first entered `running`. */
  started_at: isoTime.nullable(),
  /** When the game entered `finished` (the Game Master's `finished_at_ms` when it sent one). */
  finished_at: isoTime.nullable(),
});
export interface GameRecord {
  game_id: string;
  name: string;
  owner_id: string | null;
  type: GameType;
  min_players: number;
  max_players: number;
  status: GameStatus;
  runtime_snapshot: RuntimeSnapshot | null;
  members: string[];
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface GameRecordPage {
  items: GameRecord[];
  /** Pass as `after` for the next page; null on the last. */
  next_after: string | null;
}

/** One player's counters as the Game Master reports them each turn. */
export const ObservedStatsSchema = z.object({ planets: count, population: count, ships_built: count });
export interface ObservedStats {
  planets: number;
  population: number;
  ships_built: number;
}
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatch: [
  Same<RuntimeSnapshot, z.infer<typeof RuntimeSnapshotSchema>>,
  Same<GameRecord, z.infer<typeof GameRecordSchema>>,
  Same<ObservedStats, z.infer<typeof ObservedStatsSchema>>,
] = [true, true, true];
void _schemasMatch;

export interface PlayerStatsAggregate {
  user_id: string;
  /** The first observation of this player in this game, frozen; null until observed. */
  initial: ObservedStats | null;
  /** Each component's highest observed value; null until observed. */
  max: ObservedStats | null;
}

export interface GameStats {
  game_id: string;
  /** Sorted by user id. */
  players: PlayerStatsAggregate[];
}

export interface PlayerCapability {
  user_id: string;
  capable: boolean;
}

/** The capability evaluation of one finished game: one result per member, stored once. */
export interface CapabilityEvaluation {
  game_id: string;
  /** When the lobby first stored this evaluation. */
  evaluated_at: string;
  /** The game's `finished_at` the evaluation ran for. */
  finished_at: string;
  /** Sorted by user id. */
  players: PlayerCapability[];
}

/** The journal event the lobby emits once per evaluated game (on `lobby:events`). */
export interface CapabilitiesEvaluatedEvent extends CapabilityEvaluation {
  type: "capabilities_evaluated";
  /** Idempotency key, the same on every attempt for a game: `capabilities_evaluated:<game_id>`. */
  key: string;
}

// ---------------------------------------------------------------------------
// The Lobby API's inputs (REST bodies and tRPC inputs). Only their shape is
// checked here; the server checks ids and limits and names the field.

/** `POST /v1/lobby/games`, `lobby.create`. */
export const CreateGameBodySchema = z.object({
  /** `game-` followed by 1 to 64 letters, digits, `_` or `-`; default a new `game-<ULID>`. */
  game_id: z.string().optional(),
  name: z.string(),
  owner_id: z.string().nullish(),
  /** Default 1. */
  min_players: z.number().int().optional(),
  /** Default 100. */
  max_players: z.number().int().optional(),
  /** Default `public`. */
  type: z.enum(GAME_TYPES).optional(),
});
export type CreateGameBody = z.infer<typeof CreateGameBodySchema>;

/** `POST /v1/lobby/games/{id}/transitions`, `lobby.transition`: a compare-and-set from `from` to `to`. */
export const TransitionBodySchema = z.object({
  from: GameStatusSchema,
  to: GameStatusSchema,
  /** Default `command`. `runtime_event` is the Game Master's (a game finishes by its `game_finished`), refused here. */
  trigger: GameTriggerSchema.optional(),
});
export type TransitionBody = z.infer<typeof TransitionBodySchema>;

/** `GET /v1/lobby/games`, `lobby.list`: games in id (creation) order. */
export const GameListQuerySchema = z.object({
  status: GameStatusSchema.optional(),
  /** The previous page's `next_after`. */
  after: z.string().nullish(),
  /** 1 to 500, default 100. */
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type GameListQuery = z.infer<typeof GameListQuerySchema>;

// ---------------------------------------------------------------------------
// A game's record changes, live: one journal stream per game.

/** The journal stream of `gameId`'s record changes (`lobby.gameUpdates`, `GET /v1/lobby/games/{id}/live`). */
export function toGameRecordsStream(gameId: string): string {
  return `lobby:{${gameId}}:records`;
}

/** The entry types of a game's records stream. */
export const GAME_RECORD_CHANGES = [
  "game_created",
  "member_added",
  "member_removed",
  "status_changed",
  "runtime_snapshot_updated",
  "game_finished",
  "capabilities_evaluated",
] as const;
export type GameRecordChange = (typeof GAME_RECORD_CHANGES)[number];

/** The `data` of an entry on a game's records stream; its `type` is the GameRecordChange. */
export interface GameRecordUpdate {
  game_id: string;
  /** The record just after the change, as `GET /v1/lobby/games/{id}` answers it. */
  record: GameRecord;
  /** `status_changed`: the arrow taken (a `game_finished` is always `runtime_event` into `finished`). */
  from?: GameStatus;
  to?: GameStatus;
  trigger?: GameTrigger;
  /** `member_added`, `member_removed`. */
  user_id?: string;
  /** `capabilities_evaluated`. */
  evaluation?: CapabilityEvaluation;
}
