import { JOURNAL_STREAMS, JournalStreamSchema } from "@gamejournal/shared";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { deadLetterStream } from "../journal/event-consumer.ts";
import { isStreamId } from "../journal/ids.ts";
import type { Journal, JournalEntry, JournalEvent } from "../journal/journal.ts";

/**
 * Dead letters: entries a built-in worker failed on `maxDeliveries` times,
 * moved to `<stream>:dlq` with the last error (see EventConsumer). An
 * operator inspects them, redrives them (the original event appended again
 * to its stream, once the cause is fixed) or drops them.
 */

const streamId = z.string().refine(isStreamId, { message: "must be an entry id such as 1732350000000-0" });

/** `stream` names the source stream (`events:rtapi`); its dead letters are in `events:rtapi:dlq`. */
export const DeadLetterListInputSchema = z.object({
  stream: JournalStreamSchema,
  /** Exclusive: the `next_after` of the previous page. */
  after: streamId.optional(),
  count: z.coerce.number().int().min(1).max(500).default(50),
});
export const DeadLetterIdsInputSchema = z.object({
  stream: JournalStreamSchema,
  ids: z.array(streamId).min(1, "ids must name at least one dead letter").max(500),
});
/** The REST body of redrive and drop (the stream is in the path). */
export const DeadLetterIdsBodySchema = DeadLetterIdsInputSchema.pick({ ids: true });

export interface DeadLetter {
  /** Its id in the dead-letter stream. */
  id: string;
  /** When it was moved there (epoch ms). */
  moved_at: number;
  /** The consumer group and consumer that gave up on it. */
  group: string | null;
  consumer: string | null;
  /** Its id in the source stream. */
  original_id: string | null;
  deliveries: number | null;
  /** The handler's last error. */
  error: string | null;
  /** The original event (without its id). */
  event: Partial<JournalEvent> | null;
}

export interface DeadLetterPage {
  stream: string;
  dead_letter_stream: string;
  /** Dead letters the stream holds. */
  length: number;
  dead_letters: DeadLetter[];
  next_after?: string;
}

export interface RedriveAnswer {
  /** Per redriven dead letter, the new entry's id in the source stream (null while spooled). */
  redriven: Array<{ id: string; new_id: string | null }>;
  /** Ids that are not (or no longer) in the dead-letter stream. */
  missing: string[];
}

export async function listDeadLetters(journal: Journal, input: z.infer<typeof DeadLetterListInputSchema>): Promise<DeadLetterPage> {
  const dlq = deadLetterStream(input.stream);
  const [info, entries] = await Promise.all([journal.info(dlq), journal.read(dlq, { ...(input.after ? { after: input.after } : {}), count: input.count })]);
  return {
    stream: input.stream,
    dead_letter_stream: dlq,
    length: info?.length ?? 0,
    dead_letters: entries.map(toDeadLetter),
    ...(entries.length === input.count ? { next_after: entries[entries.length - 1]!.id } : {}),
  };
}

/**
 * Appends each dead letter's original event to its source stream again (a
 * new entry, so every consumer group of the stream sees it, not only the one
 * that gave up; the built-in workers' handlers are idempotent), then removes
 * it from the dead-letter stream. Keyed `redrive:<dead letter id>`: a redrive
 * retried after a crash between the two steps appends nothing twice.
 */
export async function redriveDeadLetters(journal: Journal, input: z.infer<typeof DeadLetterIdsInputSchema>): Promise<RedriveAnswer> {
  const dlq = deadLetterStream(input.stream);
  const answer: RedriveAnswer = { redriven: [], missing: [] };
  for (const id of new Set(input.ids)) {
    const [entry] = await journal.read(dlq, { from: id, to: id, count: 1 });
    if (!entry || entry.id !== id) {
      answer.missing.push(id);
      continue;
    }
    const letter = toDeadLetter(entry);
    if (!letter.event || typeof letter.event.type !== "string") {
      throw new ValidationError(`dead letter ${id} holds no original event to redrive; drop it instead`, "ids");
    }
    const { key: _originalKey, ...event } = letter.event;
    const [result] = await journal.append([{ stream: input.stream, event: { ...event, type: letter.event.type, ts: letter.event.ts ?? entry.ts, data: letter.event.data ?? null, key: `redrive:${id}` } }]);
    await journal.remove(dlq, [id]);
    answer.redriven.push({ id, new_id: result?.id ?? null });
  }
  return answer;
}

/** Removes dead letters for good. */
export async function dropDeadLetters(journal: Journal, input: z.infer<typeof DeadLetterIdsInputSchema>): Promise<{ dropped: number }> {
  return { dropped: await journal.remove(deadLetterStream(input.stream), [...new Set(input.ids)]) };
}

/** The dead-letter streams there are: one per journal stream. */
export const DEAD_LETTER_SOURCES = JOURNAL_STREAMS;

function toDeadLetter(entry: JournalEntry): DeadLetter {
  const data = (entry.data && typeof entry.data === "object" ? entry.data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    id: entry.id,
    moved_at: entry.ts,
    group: str(data.group),
    consumer: str(data.consumer),
    original_id: str(data.original_id),
    deliveries: typeof data.deliveries === "number" ? data.deliveries : null,
    error: str(data.error),
    event: data.event && typeof data.event === "object" ? (data.event as Partial<JournalEvent>) : null,
  };
}
