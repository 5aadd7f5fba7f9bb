import {
  GAME_TYPES,
  GameStatusSchema,
  GameTriggerSchema,
  type GameRecord,
  type GameRecordPage,
  type GameStatus,
  type GameTrigger,
  type GameType,
} from "@gamejournal/shared";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";
import type { Clock } from "../platform/clock.ts";
import { InvalidTransitionError } from "./errors.ts";
import { isGameId, isUserId, newGameId, toGameId, toUserId } from "./ids.ts";
import { isAllowedTransition } from "./transitions.ts";

/**
 * The lobby's game records (the seed's `ports.GameStore`). Adapters:
 * `game-store-mongo.ts` (MongoDB / FerretDB) and `game-store-sqlite.ts`
 * (embedded); both pass the one contract suite in test/lobby/game-store.test.ts.
 *
 * Guarantees every adapter keeps:
 *
 * 1. One record per `game_id`; `create` of an id that exists is a
 *    ConflictError and changes nothing. A new record is in `draft`.
 * 2. `updateStatus` is a compare-and-set: it moves the game from
 *    `expectedFrom` to `to` only if the table (transitions.ts) has that
 *    arrow for `trigger` (else InvalidTransitionError, checked first) and
 *    the record is still in `expectedFrom` (else ConflictError). Of any
 *    number of concurrent calls from the same status exactly one succeeds,
 *    on FerretDB 1.x too. Entering `running` the first time sets
 *    `started_at`; entering `finished` sets `finished_at`; both from `at`.
 * 3. `updateRuntimeSnapshot` overwrites the snapshot whole (a replayed old
 *    event leaves its own values, nothing else) and stamps it with `at`.
 *    It never touches the status: a snapshot write racing a transition
 *    cannot undo it.
 * 4. Membership changes are idempotent: adding a member twice or removing a
 *    non-member changes nothing and returns false. The store does not check
 *    `max_players` or the status; the API decides who may join.
 * 5. `updated_at` is the latest `at` (or creation time) of any change.
 * 6. Unknown games: `get` returns null; writes reject with NotFoundError.
 *    Bad input is a ValidationError naming the field, and changes nothing.
 *    A driver error always rejects (MongoDB unreachable: UnavailableError).
 */
export interface GameStore {
  /** Creates the tables / indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Stores a new game in `draft`; its id is `input.game_id`, else a new `game-<ULID>`. */
  create(input: CreateGameInput): Promise<GameRecord>;
  get(gameId: string): Promise<GameRecord | null>;
  /** Games in id order (ULID ids: creation order), optionally only those in `status`. */
  list(options?: GameListOptions): Promise<GameRecordPage>;
  /** Adds `userId` to the members; false if already one. */
  addMember(gameId: string, userId: string, at: number): Promise<boolean>;
  /** Removes `userId` from the members; false if not one. */
  removeMember(gameId: string, userId: string, at: number): Promise<boolean>;
  updateStatus(input: UpdateStatusInput): Promise<void>;
  updateRuntimeSnapshot(gameId: string, snapshot: RuntimeSnapshotInput, at: number): Promise<void>;
}

export interface CreateGameInput {
  game_id?: string | undefined;
  name: string;
  owner_id?: string | null | undefined;
  /** Default 1. */
  min_players?: number | undefined;
  /** Default 100. */
  max_players?: number | undefined;
  /** Default `public`. */
  type?: GameType | undefined;
}

export interface UpdateStatusInput {
  gameId: string;
  expectedFrom: GameStatus;
  to: GameStatus;
  trigger: GameTrigger;
  /** Epoch ms of the change (started_at / finished_at when entering running / finished). */
  at: number;
}

export interface RuntimeSnapshotInput {
  current_turn: number;
  runtime_status: string;
  engine_health_summary: string;
}

export interface GameListOptions {
  status?: GameStatus | undefined;
  /** The previous page's `next_after`. */
  after?: string | null | undefined;
  /** 1..500, default 100. */
  limit?: number | undefined;
}

/** A new game as adapters store it. */
export interface NewGame {
  game_id: string;
  name: string;
  owner_id: string | null;
  type: GameType;
  min_players: number;
  max_players: number;
  created_at: number;
}

const CreateSchema = z
  .object({
    game_id: z.string().refine(isGameId, 'expected "game-" followed by 1 to 64 letters, digits, "_" or "-"').optional(),
    name: z.string().trim().min(1, "must not be empty").max(200),
    owner_id: z.string().refine(isUserId, "expected 1 to 128 characters without whitespace").nullish(),
    min_players: z.number().int().min(1).max(1000).default(1),
    max_players: z.number().int().min(1).max(1000).default(100),
    type: z.enum(GAME_TYPES).default("public"),
  })
  .refine((g) => g.min_players <= g.max_players, { message: "must not be below min_players", path: ["max_players"] });

export function parseCreateGame(input: unknown, clock: Clock): NewGame {
  const game = parseWith(CreateSchema, input);
  return {
    game_id: game.game_id ?? newGameId(clock),
    name: game.name,
    owner_id: game.owner_id ?? null,
    type: game.type,
    min_players: game.min_players,
    max_players: game.max_players,
    created_at: clock.now(),
  };
}

const epochMs = z.number().int().nonnegative().max(8.64e15);
const UpdateStatusSchema = z.object({
  gameId: z.string().refine(isGameId, "not a game id"),
  expectedFrom: GameStatusSchema,
  to: GameStatusSchema,
  trigger: GameTriggerSchema,
  at: epochMs,
});

/** The input checked, then the arrow: InvalidTransitionError when the table has none for the trigger. */
export function parseUpdateStatus(input: unknown): UpdateStatusInput {
  const parsed = parseWith(UpdateStatusSchema, input);
  if (!isAllowedTransition(parsed.expectedFrom, parsed.to, parsed.trigger)) {
    throw new InvalidTransitionError(`game ${parsed.gameId}: no transition from ${parsed.expectedFrom} to ${parsed.to} on ${parsed.trigger}`);
  }
  return parsed;
}

const SnapshotSchema = z.object({
  current_turn: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  runtime_status: z.string().max(1_000),
  engine_health_summary: z.string().max(10_000),
});

export function parseSnapshot(gameId: unknown, snapshot: unknown, at: unknown): { gameId: string; snapshot: RuntimeSnapshotInput; at: number } {
  return { gameId: toGameId(gameId), snapshot: parseWith(SnapshotSchema, snapshot), at: parseAt(at) };
}

export function parseMember(gameId: unknown, userId: unknown, at: unknown): { gameId: string; userId: string; at: number } {
  return { gameId: toGameId(gameId), userId: toUserId(userId), at: parseAt(at) };
}

export function parseAt(at: unknown, field = "at"): number {
  const result = epochMs.safeParse(at);
  if (!result.success) throw new ValidationError(`${field}: expected epoch milliseconds, got ${JSON.stringify(at)}`, field);
  return result.data;
}

const ListSchema = z.object({
  status: GameStatusSchema.optional(),
  after: z.string().min(1).nullish(),
  limit: z.number().int().min(1).max(500).default(100),
});

export function parseListOptions(options: unknown): { status: GameStatus | undefined; after: string; limit: number } {
  const { status, after, limit } = parseWith(ListSchema, options ?? {});
  return { status, after: after ?? "", limit };
}

/** A page of `limit` from `records` fetched with `limit + 1`. */
export function toPage(records: GameRecord[], limit: number): GameRecordPage {
  const items = records.slice(0, limit);
  return { items, next_after: records.length > limit ? (items.at(-1)?.game_id ?? null) : null };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
