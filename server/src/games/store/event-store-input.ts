import { z } from "zod";
import { TooLargeError, ValidationError } from "../../errors.ts";
import { parseWith } from "../../http/validate.ts";
import type { GameStatus, GameSummary } from "./event-store.ts";

/**
 * Checks of every argument the event store takes, shared by its adapters so
 * that both reject the same input with the same ValidationError (naming the
 * field) before touching storage.
 */

export const LIMITS = {
  gameIdLength: 128,
  commandIdLength: 200,
  typeLength: 100,
  /** Events in one append. */
  eventsPerAppend: 100,
  /** The JSON of one append's payloads together (a MongoDB document holds all of them). */
  appendBytes: 4 * 1024 * 1024,
  /** A snapshot's state as JSON. */
  snapshotBytes: 8 * 1024 * 1024,
  readDefault: 1000,
  readMax: 10_000,
  listDefault: 50,
  listMax: 500,
} as const;

/** An event ready to store: its payload already serialised once. */
export interface EncodedEvent {
  type: string;
  playerId: number | null;
  /** `data` as JSON text. */
  json: string;
}

export interface AppendInput {
  gameId: string;
  expectedVersion: number;
  events: EncodedEvent[];
  commandId: string | null;
  summary: GameSummary | undefined;
}

const gameIdSchema = z.string().min(1, "must not be empty").max(LIMITS.gameIdLength);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const statusSchema = z.enum(["waiting", "playing", "finished"]);
const summarySchema = z.object({
  status: statusSchema,
  numPlayers: z.number().int().min(1).max(100),
  players: z.array(z.object({ playerId: z.number().int().min(1), name: z.string().max(200) })).max(100),
});
const appendSchema = z.object({
  gameId: gameIdSchema,
  expectedVersion: count,
  events: z
    .array(
      z.object({
        type: z.string().min(1, "must not be empty").max(LIMITS.typeLength),
        playerId: z.number().int().min(0).nullable(),
        data: z.unknown(),
      }),
    )
    .min(1, "must hold at least one event")
    .max(LIMITS.eventsPerAppend),
  commandId: z.string().min(1, "must not be empty (use null for no command id)").max(LIMITS.commandIdLength).nullable(),
  summary: summarySchema.optional(),
});

export function checkGameId(gameId: unknown): string {
  return parseWith(z.object({ gameId: gameIdSchema }), { gameId }).gameId;
}

export function parseAppend(gameId: unknown, expectedVersion: unknown, events: unknown, commandId: unknown, summary: unknown): AppendInput {
  const input = parseWith(appendSchema, { gameId, expectedVersion, events, commandId, summary });
  let bytes = 0;
  const encoded = input.events.map(({ type, playerId, data }, i): EncodedEvent => {
    const json = toJson(data, `events[${i}].data`);
    bytes += Buffer.byteLength(json);
    return { type, playerId, json };
  });
  if (bytes > LIMITS.appendBytes) {
    throw new TooLargeError(`events: the payloads take ${bytes} bytes as JSON, above the ${LIMITS.appendBytes} an append may hold`);
  }
  return { ...input, events: encoded, summary: input.summary as GameSummary | undefined };
}

export function parseRead(gameId: unknown, options: unknown): { gameId: string; after: number; limit: number } {
  const schema = z.object({
    gameId: gameIdSchema,
    after: count.default(0),
    limit: z.number().int().min(1).max(LIMITS.readMax).default(LIMITS.readDefault),
  });
  return parseWith(schema, { gameId, ...(options ?? {}) });
}

export function parseTimeRange(gameId: unknown, fromMs: unknown, toMs: unknown, options: unknown): { gameId: string; fromMs: number; toMs: number; limit: number } {
  const time = z.number().int().min(0).max(8.64e15);
  const schema = z.object({
    gameId: gameIdSchema,
    fromMs: time,
    toMs: time,
    limit: z.number().int().min(1).max(LIMITS.readMax).default(LIMITS.readDefault),
  });
  const range = parseWith(schema, { gameId, fromMs, toMs, ...(options ?? {}) });
  if (range.fromMs > range.toMs) throw new ValidationError(`toMs: ${range.toMs} is before fromMs ${range.fromMs}`, "toMs");
  return range;
}

export function parseCommandRef(gameId: unknown, commandId: unknown): { gameId: string; commandId: string } {
  return parseWith(z.object({ gameId: gameIdSchema, commandId: z.string().min(1, "must not be empty").max(LIMITS.commandIdLength) }), { gameId, commandId });
}

export function parseEventRef(gameId: unknown, eventId: unknown): { gameId: string; eventId: number } {
  return parseWith(z.object({ gameId: gameIdSchema, eventId: count }), { gameId, eventId });
}

export function parseListGames(options: unknown): { status: GameStatus | undefined; limit: number; after: string | undefined } {
  const schema = z.object({
    status: statusSchema.optional(),
    limit: z.number().int().min(1).max(LIMITS.listMax).default(LIMITS.listDefault),
    after: gameIdSchema.optional(),
  });
  const { status, limit, after } = parseWith(schema, options ?? {});
  return { status, limit, after };
}

/** The snapshot to keep, its state as JSON text; `version` is checked against the log by the adapter. */
export function parseSnapshot(gameId: unknown, version: unknown, state: unknown): { gameId: string; version: number; json: string } {
  const input = parseWith(z.object({ gameId: gameIdSchema, version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }), { gameId, version });
  const json = toJson(state, "state");
  const bytes = Buffer.byteLength(json);
  if (bytes > LIMITS.snapshotBytes) throw new TooLargeError(`state: ${bytes} bytes as JSON, above the ${LIMITS.snapshotBytes} a snapshot may hold`);
  return { ...input, json };
}

export function checkSnapshotVersion(gameId: string, version: number, current: number): void {
  if (version > current) throw new ValidationError(`version: ${version} is beyond game ${gameId}'s version ${current}`, "version");
}

/** `value` as JSON text; anything JSON cannot represent (undefined, a function, a BigInt, a cycle) is a ValidationError on `field`. */
function toJson(value: unknown, field: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(`${field}: not representable as JSON (${(error as Error).message})`, field, { cause: error });
  }
  if (json === undefined) throw new ValidationError(`${field}: required, any JSON value`, field);
  return json;
}
