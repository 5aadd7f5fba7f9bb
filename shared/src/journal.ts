import { z } from "zod";
import { JOURNAL_STREAMS } from "./streams.ts";

/**
 * Wire shapes of the journal API (REST bodies and tRPC inputs), in the
 * stored event's snake_case names. The seed's functions take these ids as
 * arguments, so they are required where the seed passes them.
 */

const id = (what: string) => z.string({ error: `${what} is required` }).min(1, `${what} must not be empty`).max(256);
/** An optional idempotency key: a repeat within the window adds nothing and returns the first id. */
const key = z.string().min(1).max(256).optional();
/** When it happened, epoch ms; defaults to the time the server accepts it. */
const ts = z.number().int().nonnegative().optional();

/**
 * Event types only the server writes: frames come through the frame ingest
 * paths (validated, from an authenticated sender), and a match ends through
 * `matches.end` or its frames; the generic append APIs refuse them, so no
 * client can end someone else's match or pass off a frame.
 */
export const RESERVED_EVENT_TYPES = ["frame", "match_ended", "match_end"] as const;

const eventType = (field: string) =>
  z
    .string({ error: `${field} is required` })
    .min(1)
    .max(128)
    .refine((value) => !(RESERVED_EVENT_TYPES as readonly string[]).includes(value), {
      message: `${field} must not be one of ${RESERVED_EVENT_TYPES.join(", ")}: those are written by the server (frames through the frame routes, match ends through matches.end)`,
    });

export const PlayerActionInputSchema = z.object({
  user_id: id("user_id"),
  session_id: id("session_id"),
  match_id: id("match_id"),
  action: eventType("action"),
  data: z.unknown().optional(),
  key,
  ts,
});
export type PlayerActionInput = z.infer<typeof PlayerActionInputSchema>;

export const PurchaseInputSchema = z.object({
  user_id: id("user_id"),
  session_id: id("session_id"),
  purchase: z.record(z.string(), z.unknown(), { error: "purchase must be an object" }),
  key,
  ts,
});
export type PurchaseInput = z.infer<typeof PurchaseInputSchema>;

export const TelemetryInputSchema = z.object({
  user_id: id("user_id"),
  session_id: id("session_id"),
  lobby_id: id("lobby_id"),
  data: z.unknown(),
  key,
  ts,
});
export type TelemetryInput = z.infer<typeof TelemetryInputSchema>;

export const JournalStreamSchema = z.enum(JOURNAL_STREAMS, {
  error: `stream must be one of ${JOURNAL_STREAMS.join(", ")}`,
});

/** One event of `journal.appendBatch`: any journal stream, any type. */
export interface BatchEvent {
  stream: (typeof JOURNAL_STREAMS)[number];
  type: string;
  user_id?: string | undefined;
  session_id?: string | undefined;
  match_id?: string | undefined;
  lobby_id?: string | undefined;
  data?: unknown;
  key?: string | undefined;
  ts?: number | undefined;
}

export const BatchEventSchema: z.ZodType<BatchEvent> = z.object({
  stream: JournalStreamSchema,
  type: eventType("type"),
  user_id: z.string().max(256).optional(),
  session_id: z.string().max(256).optional(),
  match_id: z.string().max(256).optional(),
  lobby_id: z.string().max(256).optional(),
  data: z.unknown().optional(),
  key,
  ts,
});

/** An event as it is journaled (the stored event's snake_case names). */
export interface JournalEvent {
  /** What happened, e.g. an action name, `purchase`, `telemetry`, `frame`. */
  type: string;
  user_id?: string;
  session_id?: string;
  match_id?: string;
  lobby_id?: string;
  /** When it happened, epoch milliseconds. */
  ts: number;
  /** Any JSON value. */
  data: unknown;
  /** Idempotency key: a repeat within the window adds nothing. */
  key?: string;
  /** Nakama stream mode, e.g. StreamModeLobbySessionTelemetry (0x16) on telemetry. */
  mode?: number;
}

/** A stored event, as reads, tails and live feeds return it. */
export interface JournalEntry extends JournalEvent {
  /** `<ms>-<seq>`, strictly increasing within the stream. */
  id: string;
}

/** The answer to an append: ids in input order; null for an event spooled while Redis is unreachable. */
export interface AppendAnswer {
  ids: Array<string | null>;
  /** Present when some events were spooled: they are accepted and reach Redis when it is back. */
  spooled?: true;
  /** Present when some events repeated an accepted idempotency key: their ids are the first ones. */
  duplicates?: number;
}
