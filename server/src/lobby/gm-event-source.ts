/**
 * Where the gm events worker reads the Game Master's entries from: the
 * Redis stream itself (`gm-event-source-redis.ts`) or, embedded, the journal
 * stream the Game Master appends to over HTTP (`gm-event-source-journal.ts`).
 * Both hand over the same flat string fields under the same `<ms>-<seq>` ids.
 *
 * Guarantees every adapter keeps:
 * 1. `read(after)` returns entries with ids greater than `after`, in id
 *    order, at most `count`; when there are none it waits up to `blockMs`
 *    for one (or until `signal` aborts) and then returns what arrived,
 *    possibly nothing.
 * 2. A failure to read (the backend unreachable) rejects; nothing is lost,
 *    since the caller reads again from its own offset.
 */
export interface GmEventSource {
  /** The stream key, for logs. */
  readonly stream: string;
  read(after: string, opts: { count: number; blockMs: number; signal: AbortSignal }): Promise<GmStreamEntry[]>;
  /** How many entries follow `after`, counting at most `cap`. */
  backlog(after: string, cap: number): Promise<number>;
  /** Frees what the source holds (e.g. its blocking connection). */
  close(): Promise<void>;
}

export interface GmStreamEntry {
  id: string;
  /** The entry's fields; a value that is not a string reads as absent. */
  fields: Readonly<Record<string, unknown>>;
}
