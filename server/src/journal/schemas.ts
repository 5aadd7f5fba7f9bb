import { BatchEventSchema } from "@gamejournal/shared";
import { z } from "zod";
import { isStreamId } from "./ids.ts";
import { isReadableStream } from "./streams.ts";

/** Server-side inputs of the journal's read and group APIs (the write shapes live in shared/). */

const streamId = z.string().refine(isStreamId, { message: "must be a stream id such as 1732350000000-0" });

export const ReadableStreamNameSchema = z.string().refine(isReadableStream, {
  message: "unknown stream: expected events:player_actions, events:purchases, events:rtapi, their :dlq streams, or lobby:{<lobby_id>}:events",
});

export const ReadInputSchema = z.object({
  stream: ReadableStreamNameSchema,
  /** Inclusive start id; `-` or absent for the beginning. */
  from: z.union([z.literal("-"), streamId]).optional(),
  /** Exclusive start id, to resume after the last entry seen. */
  after: streamId.optional(),
  count: z.coerce.number().int().min(1).max(1_000).default(100),
});

export const AppendBatchInputSchema = z.object({ events: z.array(BatchEventSchema).min(1, "events must not be empty") });

const groupName = z.string().min(1).max(128);
export const GroupRefSchema = z.object({ stream: ReadableStreamNameSchema, group: groupName });
export const CreateGroupInputSchema = GroupRefSchema.extend({
  /** `0` for the whole stream, `$` for new entries only, or an id. */
  start_id: z.union([z.literal("0"), z.literal("$"), streamId]).default("$"),
});
export const GroupReadInputSchema = GroupRefSchema.extend({
  consumer: groupName,
  count: z.number().int().min(1).max(1_000).default(100),
  /** Wait up to this long for new entries (max 30 s). */
  block_ms: z.number().int().min(0).max(30_000).default(0),
  /** `>` for new entries, `0` for this consumer's pending ones. */
  id: z.enum([">", "0"]).default(">"),
});
export const AckInputSchema = GroupRefSchema.extend({ ids: z.array(streamId).min(1).max(1_000) });

/** `GET /v1/journal/{stream}`: the stream is the path's, the rest the query's. */
export const ReadPathSchema = z.object({ stream: ReadableStreamNameSchema.describe("events:player_actions, events:purchases, events:rtapi, their :dlq streams, or lobby:{<lobby_id>}:events") });
export const ReadQuerySchema = ReadInputSchema.omit({ stream: true });
/** `GET /v1/journal/{stream}/live`: where to resume (the header wins; an EventSource sends it by itself). */
export const LiveQuerySchema = z.object({ lastEventId: streamId.optional().describe("resume after this id (as the Last-Event-ID header)") });
export const LiveHeadersSchema = z.object({ "Last-Event-ID": streamId.optional().describe("resume after this id") });

/** The answer to an append (documentation of the REST answer; built by EventJournal). */
export const AppendAnswerSchema = z.object({
  ids: z.array(z.string().nullable()).describe("per event, in input order: its id; null while spooled"),
  spooled: z.literal(true).optional(),
  duplicates: z.number().int().optional().describe("events that repeated an accepted idempotency key (their ids are the first ones)"),
});

/** One event or a non-empty array of them, as the REST appends take (parsed one by one with `parseOneOrMany`). */
export function oneOrMany<S extends z.ZodType>(schema: S) {
  return z.union([schema, z.array(schema).min(1)]);
}
