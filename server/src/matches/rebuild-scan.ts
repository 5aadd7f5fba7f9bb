import type { RebuildProgress } from "@gamejournal/shared";
import { compareIds, parseId } from "../journal/ids.ts";
import type { Journal, JournalEntry } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";

/**
 * How a rebuild reads the journal: directly (`Journal.read`), never through a
 * consumer group, so the live workers' groups, pending entries and leases
 * are not touched.
 *
 * 1. The end is fixed at the start: each stream is read up to the last id it
 *    had then. Entries appended later are the live workers' business.
 * 2. Several streams are merged into one sequence, each stream in its own id
 *    order: across streams, by the time in the id (the append time in ms);
 *    in the same millisecond, two entries of one match (`match_id`) by the
 *    event's own time (`ts`), anything else in the order the streams were
 *    given. That is the order a clean fold of one match across
 *    `events:rtapi` and `events:player_actions` follows (ids of different
 *    streams appended in the same millisecond do not say which came first).
 * 3. `whole` says whether the read can see every entry ever appended: no
 *    start was given and no stream has been trimmed (`max_deleted_id`).
 *    When it is false, a derived document may depend on entries the read
 *    does not see.
 */

export interface ScanOptions {
  journal: Journal;
  streams: readonly string[];
  clock: Clock;
  /** The first entry id to read (inclusive); absent: each stream's start. */
  from?: string;
  /** Entries per read of one stream (default 500). */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ScannedEntry {
  stream: string;
  entry: JournalEntry;
}

export interface Scan {
  /** Whether the read sees every entry ever appended (point 3). */
  readonly whole: boolean;
  /** The merged entries, a batch at a time, in id order. */
  batches(): AsyncGenerator<ScannedEntry[]>;
  /** Entries read so far, their rate, and how far behind the start's last entry the read is. */
  progress(): Pick<RebuildProgress, "entries" | "entries_per_second" | "lag_ms">;
}

/** Whether `a` (of a later stream in the list) goes before `b` in the merged order (point 2). */
function before(a: JournalEntry, b: JournalEntry): boolean {
  const byMs = parseId(a.id).ms - parseId(b.id).ms;
  if (byMs !== 0) return byMs < 0;
  return a.match_id !== undefined && a.match_id === b.match_id && typeof a.ts === "number" && typeof b.ts === "number" && a.ts < b.ts;
}

/** Opens a scan of `streams` (streams that do not exist are left out). */
export async function openScan({ journal, streams, clock, from, pageSize = 500, signal }: ScanOptions): Promise<Scan> {
  const ends: Array<{ stream: string; last: string }> = [];
  let trimmed = false;
  for (const stream of streams) {
    const info = await journal.info(stream);
    if (!info?.last_id) continue;
    ends.push({ stream, last: info.last_id });
    if (compareIds(info.max_deleted_id, "0-0") > 0) trimmed = true;
  }
  const headMs = Math.max(0, ...ends.map((e) => parseId(e.last).ms));
  const startedAt = clock.now();
  let entries = 0;
  let lastMs = from ? parseId(from).ms : 0;

  async function* batches(): AsyncGenerator<ScannedEntry[]> {
    const cursors = ends.map(({ stream, last }) => ({ stream, last, buffer: [] as JournalEntry[], after: undefined as string | undefined, done: false }));
    const refill = async (c: (typeof cursors)[number]) => {
      if (c.done || c.buffer.length > 0) return;
      const page = await journal.read(c.stream, { ...(c.after ? { after: c.after } : from ? { from } : {}), to: c.last, count: pageSize });
      c.buffer = page;
      if (page.length > 0) c.after = page.at(-1)!.id;
      // Reads stop at `last`: a short page, or one ending on it, is the end.
      c.done = page.length < pageSize || compareIds(c.after!, c.last) >= 0;
    };
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error("rebuild aborted");
      await Promise.all(cursors.map(refill));
      const batch: ScannedEntry[] = [];
      // Take entries in id order while every stream that may still have some has its next one buffered.
      while (batch.length < pageSize) {
        let next: (typeof cursors)[number] | undefined;
        let blocked = false;
        for (const c of cursors) {
          if (c.buffer.length === 0) {
            if (!c.done) blocked = true;
            continue;
          }
          if (!next || before(c.buffer[0]!, next.buffer[0]!)) next = c;
        }
        if (blocked || !next) break;
        batch.push({ stream: next.stream, entry: next.buffer.shift()! });
      }
      if (batch.length === 0) {
        if (cursors.every((c) => c.done && c.buffer.length === 0)) return;
        continue;
      }
      entries += batch.length;
      lastMs = parseId(batch.at(-1)!.entry.id).ms;
      yield batch;
    }
  }

  return {
    whole: from === undefined && !trimmed,
    batches,
    progress() {
      const seconds = Math.max(0.001, (clock.now() - startedAt) / 1000);
      return { entries, entries_per_second: Math.round(entries / seconds), lag_ms: Math.max(0, headMs - lastMs) };
    },
  };
}
