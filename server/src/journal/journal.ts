import type { JournalEntry, JournalEvent } from "@gamejournal/shared";

/**
 * The journal port. Every write in gamejournal enters here first; live
 * fanout, workers, stored session events and match summaries are derived
 * from it and can be rebuilt by replaying it.
 *
 * Guarantees, on every adapter (Redis Streams and embedded SQLite), checked
 * by one contract suite (test/journal/):
 * 1. Order: entry ids have the form `<ms>-<seq>` and strictly increase per
 *    stream; reads return entries in id order.
 * 2. Durability: `append` resolves only once the entries are stored (Redis
 *    acknowledged the script; SQLite committed the transaction).
 * 3. Idempotency: an event with a `key` the stream already accepted within
 *    the idempotency window is not stored again; its result carries the
 *    first id and `duplicate: true`.
 * 4. Consumer groups (XREADGROUP semantics): an entry is delivered to one
 *    consumer of a group, stays pending until acked, can be claimed by
 *    another consumer once idle, and counts its deliveries.
 */

export type { JournalEntry, JournalEvent };

/** An entry's id and the JSON text of the whole entry. */
export interface RawEntry {
  id: string;
  json: string;
}

export interface AppendWrite {
  stream: string;
  event: JournalEvent;
  /**
   * `event.data` already serialised, when the caller has it (EventJournal
   * does, from measuring the event): adapters store this text rather than
   * serialising the data a second time.
   */
  dataJson?: string;
  /** Cap the stream at about this many entries (Redis `MAXLEN ~`). */
  maxLen?: number;
}

export interface AppendResult {
  stream: string;
  /**
   * The entry's id; for a duplicate, the id of the first append. null when
   * the event was spooled because Redis was unreachable (see spool.ts): it is
   * accepted and gets its id when the spool drains.
   */
  id: string | null;
  duplicate: boolean;
  spooled?: true;
}

export interface ReadOptions {
  /** Inclusive start id; `-` or omitted for the beginning. */
  from?: string;
  /** Exclusive start id (resume after the last entry seen). Takes precedence over `from`. */
  after?: string;
  /** Inclusive end id; omitted for the end. */
  to?: string;
  count: number;
}

export interface GroupInfo {
  name: string;
  /** Entries delivered and not yet acknowledged. */
  pending: number;
  /** Entries not yet delivered to the group (null when the backend cannot tell). */
  lag: number | null;
  consumers: number;
  last_delivered_id: string;
}

export interface StreamInfo {
  stream: string;
  length: number;
  first_id: string | null;
  last_id: string | null;
  /** Highest id removed by trimming (`0-0` when none): resuming at or below it has lost entries. */
  max_deleted_id: string;
  /** Entries ever appended, trimmed ones included (Redis 7's `entries-added`): its change over time is the append rate. */
  entries_added: number;
  groups: GroupInfo[];
}

/** Keep the newest `maxLen` entries, or entries from `minId` on, or entries appended in the last `maxAgeMs`. */
export type TrimOptions = { maxLen: number } | { minId: string } | { maxAgeMs: number };

/** A trim by age as a trim by id: ids start with their append time in ms. */
export function trimBound(opts: TrimOptions, now: number): { maxLen: number } | { minId: string } {
  return "maxAgeMs" in opts ? { minId: `${Math.max(0, now - opts.maxAgeMs)}-0` } : opts;
}

/** An entry handed to a consumer, with how many times it has been delivered. */
export interface DeliveredEntry extends JournalEntry {
  deliveries: number;
}

export interface ReadGroupOptions {
  count: number;
  /** Wait up to this long for new entries when none are ready (0: do not wait). */
  blockMs?: number;
  /** `>` (default): new entries; `0`: this consumer's own pending entries. */
  id?: ">" | "0";
  signal?: AbortSignal;
}

export interface ClaimOptions {
  minIdleMs: number;
  count: number;
}

/** A consumer of a group, as XINFO CONSUMERS reports it. */
export interface ConsumerInfo {
  name: string;
  /** Entries delivered to it and not yet acknowledged. */
  pending: number;
  /** Milliseconds since it last read or claimed. */
  idle_ms: number;
}

export interface PendingSummary {
  count: number;
  consumers: Array<{ name: string; pending: number }>;
}

/** A running `Journal.watch`. */
export interface LiveWatch {
  readonly last: string;
  close(): void;
}

export interface Journal {
  /** Which backend this is, for /health and metrics. */
  readonly backend: "redis" | "sqlite";

  /** Appends each write in order; writes to the same stream are atomic together. */
  append(writes: readonly AppendWrite[]): Promise<AppendResult[]>;
  read(stream: string, opts: ReadOptions): Promise<JournalEntry[]>;
  /**
   * The same entries as `read`, each already serialised as the JSON of its
   * JournalEntry (key order aside), built by the backend without a decode
   * and re-encode here: the replay path of live feeds.
   */
  readRaw(stream: string, opts: ReadOptions): Promise<RawEntry[]>;
  /**
   * Every entry after `after`, then each new one as it is appended, in id
   * order, without gaps or duplicates, in batches. Ends when `signal` aborts.
   * `maxBuffered` bounds the entries held for a reader that does not keep
   * up; past it the iteration throws SlowConsumerError.
   */
  tail(
    stream: string,
    after: string,
    opts: { signal: AbortSignal; maxBuffered?: number; pageSize?: number; onOverflow?: (error: Error) => void },
  ): AsyncIterable<JournalEntry[]>;
  /**
   * Hands each entry appended to `stream` after `after` to `sink`
   * synchronously as this process learns of it (one shared live feed,
   * no queue, no backlog: entries already stored after `after` when the
   * watch starts may be skipped; read them first). `last` is the highest
   * id handed over. `onFail` is told if the live feed ends for good.
   */
  watch(stream: string, after: string, sink: (entries: readonly JournalEntry[]) => void, onFail: (error: Error) => void): LiveWatch;
  /**
   * Removes the given entries (XDEL), e.g. a dead letter an operator drops;
   * unknown ids are skipped. Returns how many were removed; the highest
   * removed id counts as trimmed (`max_deleted_id`), as in Redis.
   */
  remove(stream: string, ids: readonly string[]): Promise<number>;
  /** Removes old entries; returns how many. */
  trim(stream: string, opts: TrimOptions): Promise<number>;
  /** null for a stream that does not exist. */
  info(stream: string): Promise<StreamInfo | null>;
  /** Names of the streams that exist, sorted. */
  streams(pattern?: string): Promise<string[]>;

  /** Creates a consumer group reading from `startId` (`0`: everything, `$`: only new). False if it existed. */
  createGroup(stream: string, group: string, startId?: string): Promise<boolean>;
  /** Deletes a consumer group with its consumers and pending entries (XGROUP DESTROY). False if it did not exist. */
  deleteGroup(stream: string, group: string): Promise<boolean>;
  readGroup(stream: string, group: string, consumer: string, opts: ReadGroupOptions): Promise<DeliveredEntry[]>;
  ack(stream: string, group: string, ids: readonly string[]): Promise<number>;
  /** Moves the given pending entries to `consumer` (XCLAIM), counting a delivery each; unknown ids are skipped. */
  claim(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<DeliveredEntry[]>;
  /** Moves entries idle for at least `minIdleMs` to `consumer` (XAUTOCLAIM), counting a delivery each. */
  claimIdle(stream: string, group: string, consumer: string, opts: ClaimOptions): Promise<DeliveredEntry[]>;
  pending(stream: string, group: string): Promise<PendingSummary>;
  /** The group's consumers, by name, with their pending count and idle time; empty for an unknown group. */
  consumers(stream: string, group: string): Promise<ConsumerInfo[]>;
  /**
   * Removes `consumer` from the group (XGROUP DELCONSUMER) unless it has
   * pending entries: checked and done atomically, so no entry is ever
   * dropped with it. Returns false when it was kept for its pending entries;
   * true when it is gone (or was never there). A live consumer removed so
   * is created again by its next read, as Redis does.
   */
  deleteConsumer(stream: string, group: string, consumer: string): Promise<boolean>;

  close(): Promise<void>;
}
