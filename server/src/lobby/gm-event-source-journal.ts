import { GM_LOBBY_EVENTS_STREAM } from "@gamejournal/shared";
import { TooLargeError, ValidationError } from "../errors.ts";
import type { AppendResult, Journal, JournalEntry } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";
import type { GmEventSource, GmStreamEntry } from "./gm-event-source.ts";

/** The journal event type of a Game Master entry appended by `appendGmEvent`. */
export const GM_EVENT_TYPE = "gm_event";

/**
 * Embedded, the Game Master's entries live in the journal: `appendGmEvent`
 * (behind `POST /v1/lobby/gm-events`) appends each as an event whose `data`
 * is the entry's flat fields, on the stream `gm:lobby_events`; this source
 * reads them back under their journal ids. A read with nothing new waits
 * for the next append (the journal's live watch) up to `blockMs`.
 */
export class JournalGmEventSource implements GmEventSource {
  constructor(
    private readonly journal: Journal,
    readonly stream: string = GM_LOBBY_EVENTS_STREAM,
  ) {
    if (!journal) throw new Error("new journal gm event source: no journal");
    if (typeof stream !== "string" || stream.trim() === "") throw new Error("new journal gm event source: stream must not be empty");
  }

  async read(after: string, { count, blockMs, signal }: { count: number; blockMs: number; signal: AbortSignal }): Promise<GmStreamEntry[]> {
    const first = await this.journal.read(this.stream, { after, count });
    if (first.length > 0 || blockMs <= 0 || signal.aborted) return first.map(toEntry);
    let wake: () => void = () => {};
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const onAbort = () => wake();
    // Watch before reading again: an append between the two reads is not missed.
    const watch = this.journal.watch(this.stream, after, () => wake(), () => wake());
    const timer = setTimeout(() => wake(), blockMs);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const second = await this.journal.read(this.stream, { after, count });
      if (second.length > 0) return second.map(toEntry);
      await woken;
      return (await this.journal.read(this.stream, { after, count })).map(toEntry);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      watch.close();
    }
  }

  async backlog(after: string, cap: number): Promise<number> {
    return (await this.journal.read(this.stream, { after, count: cap })).length;
  }

  async close(): Promise<void> {}
}

function toEntry(entry: JournalEntry): GmStreamEntry {
  const data = entry.data;
  return { id: entry.id, fields: typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {} };
}

const MAX_FIELDS = 100;

/**
 * Appends one Game Master entry to the journal stream the embedded worker
 * reads. `fields` must be a flat object of strings (as on the Redis stream:
 * 1 to 100 fields, names 1 to 100 characters); anything else is a
 * ValidationError naming the field, and nothing is appended. The fields'
 * meaning is not checked here: the worker skips entries it cannot decode,
 * as it does on Redis. Fields over `maxBytes` as JSON (default 64 KiB) are
 * a TooLargeError. `key` is an idempotency key (a retried POST).
 */
export async function appendGmEvent(
  journal: Journal,
  fields: unknown,
  { clock, key, stream = GM_LOBBY_EVENTS_STREAM, maxBytes = 64 * 1024 }: { clock: Clock; key?: string | undefined; stream?: string; maxBytes?: number },
): Promise<AppendResult> {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw new ValidationError("expected an object of string fields", "fields");
  const entries = Object.entries(fields);
  if (entries.length === 0 || entries.length > MAX_FIELDS) throw new ValidationError(`expected 1 to ${MAX_FIELDS} fields, got ${entries.length}`, "fields");
  for (const [name, value] of entries) {
    if (name.length === 0 || name.length > 100) throw new ValidationError(`field names must be 1 to 100 characters, got ${JSON.stringify(name)}`, "fields");
    if (typeof value !== "string") throw new ValidationError(`${name}: expected a string, got ${value === null ? "null" : typeof value}`, name);
  }
  const dataJson = JSON.stringify(fields);
  if (Buffer.byteLength(dataJson) > maxBytes) throw new TooLargeError(`the entry's fields are over ${maxBytes} bytes as JSON`);
  const [result] = await journal.append([{ stream, dataJson, event: { type: GM_EVENT_TYPE, ts: clock.now(), data: { ...fields }, ...(key ? { key } : {}) } }]);
  return result!;
}
