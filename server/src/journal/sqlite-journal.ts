import type { Database } from "bun:sqlite";
import { formatId, nextId, parseId, type StreamId } from "./ids.ts";
import type {
  AppendResult,
  AppendWrite,
  ClaimOptions,
  ConsumerInfo,
  DeliveredEntry,
  GroupInfo,
  Journal,
  JournalEntry,
  LiveWatch,
  PendingSummary,
  RawEntry,
  ReadGroupOptions,
  ReadOptions,
  StreamInfo,
  TrimOptions,
} from "./journal.ts";
import { trimBound } from "./journal.ts";
import { GroupCommit } from "./group-commit.ts";
import { LiveHub } from "./live-hub.ts";
import { prepareStatements, type EntryRow, type Statements, type StreamRow } from "./sqlite-statements.ts";
import { tailWithHub, type TailOptions } from "./tail.ts";
import { decodeEvent, encodeEvent } from "./codec.ts";
import { systemClock, type Clock } from "../platform/clock.ts";

export interface SqliteJournalOptions {
  /** How long an idempotency key is remembered, in ms (default 24 h). */
  idempotencyWindowMs?: number;
  clock?: Clock;
}

/**
 * The embedded journal: SQLite in WAL mode, an entry a body row and an id
 * row (see sqlite-statements.ts), with ids
 * generated exactly as Redis generates them for `*` (the clock's ms, or the
 * last ms with the next seq when the clock has not moved on). Appends are
 * group-committed (see group-commit.ts): the appends of one event-loop turn
 * share one transaction. Consumer groups follow XREADGROUP/XACK/XAUTOCLAIM
 * semantics in tables of their own. Live tails are fed in-process right
 * after each committed group.
 * Single-process: one server owns a journal file.
 */
export class SqliteJournal implements Journal {
  readonly backend = "sqlite";
  private readonly hub = new LiveHub();
  private readonly window: number;
  private readonly clock: Clock;
  private appendsSincePurge = 0;
  private readonly q: Statements;
  private readonly group = new GroupCommit((calls) => Promise.resolve(this.commit(calls)));

  constructor(
    private readonly db: Database,
    { idempotencyWindowMs = 24 * 3600_000, clock = systemClock }: SqliteJournalOptions = {},
  ) {
    if (!db) throw new Error("new sqlite journal: no database");
    this.window = idempotencyWindowMs;
    this.clock = clock;
    this.q = prepareStatements(db);
  }

  append(writes: readonly AppendWrite[]): Promise<AppendResult[]> {
    return this.group.submit(writes);
  }

  /**
   * Commits a group of calls in one transaction. If it fails, it is rolled
   * back whole, and each call is committed again in a transaction of its
   * own, so that only the failing call fails. Live tails are fed once the
   * transaction has committed.
   */
  private commit(calls: ReadonlyArray<readonly AppendWrite[]>): Array<AppendResult[] | Error> {
    const now = this.clock.now();
    const published = new Map<string, JournalEntry[]>();
    let outcomes: Array<AppendResult[] | Error>;
    try {
      outcomes = this.db.transaction(() => this.writeCalls(calls, now, published))();
    } catch (error) {
      if (calls.length === 1) throw error;
      published.clear();
      outcomes = calls.map((writes) => {
        const mine = new Map<string, JournalEntry[]>();
        try {
          const [results] = this.db.transaction(() => this.writeCalls([writes], now, mine))();
          for (const [stream, entries] of mine) published.set(stream, [...(published.get(stream) ?? []), ...entries]);
          return results!;
        } catch (callError) {
          return callError instanceof Error ? callError : new Error(String(callError));
        }
      });
    }
    this.appendsSincePurge += calls.length;
    if (this.appendsSincePurge >= 1_000) {
      this.appendsSincePurge = 0;
      this.q.idemPurge.run(now);
    }
    for (const [stream, entries] of published) this.hub.publish(stream, entries);
    return outcomes;
  }

  /**
   * The calls' writes, inside a transaction: each stream's last id is read
   * once and advanced once, whatever the number of writes to it; caps are
   * applied after all writes.
   */
  private writeCalls(calls: ReadonlyArray<readonly AppendWrite[]>, now: number, published: Map<string, JournalEntry[]>): AppendResult[][] {
    const cursors = new Map<string, { sid: number; last: StreamId; added: number }>();
    const trims = new Map<string, number>();
    const results = calls.map((writes) =>
      writes.map(({ stream, event, maxLen, dataJson }): AppendResult => {
        if (event.key !== undefined) {
          const seen = this.q.idemGet.get(stream, event.key, now);
          if (seen) return { stream, id: seen.id, duplicate: true };
        }
        let cursor = cursors.get(stream);
        if (!cursor) {
          let row = this.q.stream.get(stream);
          if (!row) {
            this.q.createStream.run(stream);
            row = this.q.stream.get(stream)!;
          }
          cursors.set(stream, (cursor = { sid: row.sid, last: { ms: row.last_ms, seq: row.last_seq }, added: 0 }));
        }
        const id = nextId(cursor.last, now);
        const idText = formatId(id);
        const body = this.q.insertBody.run(encodeEvent(event, dataJson)).lastInsertRowid;
        this.q.insertId.run(cursor.sid, id.ms, id.seq, body);
        cursor.last = id;
        cursor.added++;
        if (event.key !== undefined) this.q.idemPut.run(stream, event.key, idText, now + this.window);
        let list = published.get(stream);
        if (!list) published.set(stream, (list = []));
        list.push({ ...event, id: idText });
        if (maxLen !== undefined) trims.set(stream, maxLen);
        return { stream, id: idText, duplicate: false };
      }),
    );
    for (const [stream, { last, added }] of cursors) if (added > 0) this.q.advance.run(last.ms, last.seq, added, stream);
    for (const [stream, maxLen] of trims) this.trimToLength(stream, maxLen);
    return results;
  }

  async read(stream: string, opts: ReadOptions): Promise<JournalEntry[]> {
    return this.readSync(stream, opts);
  }

  async readRaw(stream: string, opts: ReadOptions): Promise<RawEntry[]> {
    // The stored body is the event's JSON object: splice the id in front of its fields.
    return this.rows(stream, opts).map((row) => {
      const id = `${row.ms}-${row.seq}`;
      return { id, json: `{"id":"${id}",${row.body.slice(1)}` };
    });
  }

  private readSync(stream: string, opts: ReadOptions): JournalEntry[] {
    return this.rows(stream, opts).map((row) => decodeEvent(`${row.ms}-${row.seq}`, row.body));
  }

  private rows(stream: string, { from, after, to, count }: ReadOptions): EntryRow[] {
    let start: StreamId;
    if (after !== undefined) start = parseId(after);
    else if (from === undefined || from === "-") start = { ms: -1, seq: 0 };
    else {
      // Inclusive `from`: everything after the id just below it.
      const f = parseId(from);
      start = f.seq > 0 ? { ms: f.ms, seq: f.seq - 1 } : { ms: f.ms - 1, seq: Number.MAX_SAFE_INTEGER };
    }
    const end = to === undefined || to === "+" ? { ms: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER } : parseId(to);
    return this.q.rangeAfter.all(stream, start.ms, start.seq, end.ms, end.seq, count);
  }

  tail(stream: string, after: string, opts: TailOptions): AsyncIterable<JournalEntry[]> {
    return tailWithHub((s, o) => this.read(s, o), this.hub, stream, after, opts);
  }

  watch(stream: string, after: string, sink: (entries: readonly JournalEntry[]) => void, onFail: (error: Error) => void): LiveWatch {
    return this.hub.watch(stream, after, sink, onFail);
  }

  async trim(stream: string, opts: TrimOptions): Promise<number> {
    const bound = trimBound(opts, this.clock.now());
    return this.db.transaction(() => {
      if ("maxLen" in bound) return this.trimToLength(stream, bound.maxLen);
      return this.deleteBelow(stream, parseId(bound.minId));
    })();
  }

  /** Deletes the oldest entries so that at most `maxLen` remain. */
  private trimToLength(stream: string, maxLen: number): number {
    const row = this.q.stream.get(stream);
    if (!row || row.length <= maxLen) return 0;
    if (maxLen === 0) return this.deleteBelow(stream, { ms: Number.MAX_SAFE_INTEGER, seq: 0 });
    const oldestKept = this.q.nthNewest.get(stream, maxLen - 1)!;
    return this.deleteBelow(stream, oldestKept);
  }

  /** Deletes entries below `below`, remembering the highest id deleted (as Redis's max-deleted-entry-id). */
  private deleteBelow(stream: string, below: StreamId): number {
    const newest = this.q.newestBelow.get(stream, below.ms, below.seq);
    if (!newest) return 0;
    this.q.deleteBodiesBelow.run(stream, below.ms, below.seq);
    const { changes } = this.q.deleteBelow.run(stream, below.ms, below.seq);
    const row = this.q.stream.get(stream)!;
    const later = newest.ms - row.deleted_ms || newest.seq - row.deleted_seq;
    const deleted = later > 0 ? newest : { ms: row.deleted_ms, seq: row.deleted_seq };
    this.q.markDeleted.run(changes, deleted.ms, deleted.seq, stream);
    return changes;
  }

  async remove(stream: string, ids: readonly string[]): Promise<number> {
    return this.db.transaction(() => {
      const row = this.q.stream.get(stream);
      if (!row) return 0;
      let removed = 0;
      let highest: StreamId = { ms: row.deleted_ms, seq: row.deleted_seq };
      for (const id of ids) {
        const at = parseId(id);
        this.q.deleteEntryBody.run(stream, at.ms, at.seq);
        if (this.q.deleteEntry.run(stream, at.ms, at.seq).changes === 0) continue;
        removed++;
        if (at.ms > highest.ms || (at.ms === highest.ms && at.seq > highest.seq)) highest = at;
      }
      if (removed > 0) this.q.markDeleted.run(removed, highest.ms, highest.seq, stream);
      return removed;
    })();
  }

  async consumers(stream: string, group: string): Promise<ConsumerInfo[]> {
    const now = this.clock.now();
    return this.q.consumerList.all(stream, group).map((c) => ({ name: c.name, pending: c.pending, idle_ms: Math.max(0, now - c.seen_at) }));
  }

  /** Costs the same whatever the backlog: the groups' counters are kept as entries move (see GroupRow). */
  async info(stream: string): Promise<StreamInfo | null> {
    const row = this.q.stream.get(stream);
    if (!row) return null;
    const first = this.q.first.get(stream);
    const last = this.q.last.get(stream);
    const groups: GroupInfo[] = this.q.groups.all(stream).map((g) => ({
      name: g.name,
      pending: g.pending,
      lag: Math.max(0, Math.min(row.length, row.added - g.entries_read)),
      consumers: g.consumers,
      last_delivered_id: `${g.last_ms}-${g.last_seq}`,
    }));
    return {
      stream,
      length: row.length,
      first_id: first ? `${first.ms}-${first.seq}` : null,
      last_id: last ? `${last.ms}-${last.seq}` : null,
      max_deleted_id: `${row.deleted_ms}-${row.deleted_seq}`,
      entries_added: row.added,
      groups,
    };
  }

  async streams(pattern?: string): Promise<string[]> {
    const names = this.q.streams.all().map((r) => r.name);
    if (!pattern) return names;
    const re = globToRegExp(pattern);
    return names.filter((n) => re.test(n));
  }

  async createGroup(stream: string, group: string, startId = "$"): Promise<boolean> {
    return this.db.transaction(() => {
      this.q.createStream.run(stream);
      const row = this.q.stream.get(stream)!;
      const start = startId === "$" ? { ms: row.last_ms, seq: row.last_seq } : parseId(startId);
      if (this.q.group.get(stream, group)) return false;
      return this.q.createGroup.run(stream, group, start.ms, start.seq, this.entriesReadAt(stream, row, start)).changes > 0;
    })();
  }

  /** The stream's `added` as of `position`: every entry after it is still to be read. Counts rows only for a position inside the stream. */
  private entriesReadAt(stream: string, row: StreamRow, position: StreamId): number {
    if (compareIds(position, { ms: row.last_ms, seq: row.last_seq }) >= 0) return row.added;
    const first = this.q.first.get(stream);
    if (!first || compareIds(position, first) < 0) return row.added - row.length;
    return row.added - this.q.countAfter.get(stream, position.ms, position.seq)!.n;
  }

  /** Registers `consumer` in the group, counting it once. */
  /** Registers the consumer in its group (counting it once) and notes that it was seen now. */
  private addConsumer(stream: string, group: string, consumer: string): void {
    const now = this.clock.now();
    if (this.q.addConsumer.run(stream, group, consumer, now).changes > 0) this.q.addGroupConsumer.run(stream, group);
    else this.q.touchConsumer.run(now, stream, group, consumer);
  }

  async deleteConsumer(stream: string, group: string, consumer: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.db.query("SELECT 1 FROM journal_pending WHERE stream = ? AND grp = ? AND consumer = ? LIMIT 1").get(stream, group, consumer)) return false;
      const { changes } = this.db.query("DELETE FROM journal_consumers WHERE stream = ? AND grp = ? AND name = ?").run(stream, group, consumer);
      if (changes > 0) this.db.query("UPDATE journal_groups SET consumers = consumers - 1 WHERE stream = ? AND name = ?").run(stream, group);
      return true;
    })();
  }

  async deleteGroup(stream: string, group: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.query("DELETE FROM journal_pending WHERE stream = ? AND grp = ?").run(stream, group);
      this.db.query("DELETE FROM journal_consumers WHERE stream = ? AND grp = ?").run(stream, group);
      return this.db.query("DELETE FROM journal_groups WHERE stream = ? AND name = ?").run(stream, group).changes > 0;
    })();
  }

  async readGroup(stream: string, group: string, consumer: string, opts: ReadGroupOptions): Promise<DeliveredEntry[]> {
    const deadline = this.clock.now() + (opts.blockMs ?? 0);
    for (;;) {
      const delivered = this.deliver(stream, group, consumer, opts);
      if (delivered.length > 0 || opts.id === "0" || !opts.blockMs || opts.signal?.aborted) return delivered;
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) return delivered;
      await this.waitForAppend(stream, remaining, opts.signal);
    }
  }

  private deliver(stream: string, group: string, consumer: string, { count, id = ">" }: ReadGroupOptions): DeliveredEntry[] {
    return this.db.transaction(() => {
      const g = this.q.group.get(stream, group);
      if (!g) throw new Error(`NOGROUP no consumer group "${group}" on stream "${stream}"`);
      this.addConsumer(stream, group, consumer);
      if (id === "0") {
        // As in Redis, reading one's pending history counts as a delivery.
        const now = this.clock.now();
        return this.q.ownPending.all(stream, group, consumer, count).map((row) => {
          this.q.claim.run(consumer, now, stream, group, row.ms, row.seq);
          return { ...decodeEvent(`${row.ms}-${row.seq}`, row.body), deliveries: row.deliveries + 1 };
        });
      }
      const rows = this.q.rangeAfter.all(stream, g.last_ms, g.last_seq, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, count);
      if (rows.length === 0) return [];
      const now = this.clock.now();
      for (const row of rows) this.q.addPending.run(stream, group, row.ms, row.seq, consumer, now);
      const lastRow = rows[rows.length - 1]!;
      // Trimming went past the group's position: every entry left was unread.
      const s = this.q.stream.get(stream)!;
      const trimmedPast = compareIds({ ms: g.last_ms, seq: g.last_seq }, { ms: s.deleted_ms, seq: s.deleted_seq }) < 0;
      const read = (trimmedPast ? s.added - s.length : g.entries_read) + rows.length;
      this.q.setGroup.run(lastRow.ms, lastRow.seq, read, rows.length, stream, group);
      return rows.map((row) => ({ ...decodeEvent(`${row.ms}-${row.seq}`, row.body), deliveries: 1 }));
    })();
  }

  private waitForAppend(stream: string, ms: number, signal?: AbortSignal): Promise<void> {
    const listener = this.hub.listen(stream, "0-0", Number.MAX_SAFE_INTEGER);
    const timeout = AbortSignal.timeout(ms);
    const stop = signal ? AbortSignal.any([signal, timeout]) : timeout;
    return listener.next("0-0", stop).then(
      () => listener.close(),
      () => listener.close(),
    );
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<number> {
    return this.db.transaction(() => {
      let n = 0;
      for (const id of ids) {
        const { ms, seq } = parseId(id);
        n += this.q.dropPending.run(stream, group, ms, seq).changes;
      }
      if (n > 0) this.q.addGroupPending.run(-n, stream, group);
      return n;
    })();
  }

  async claimIdle(stream: string, group: string, consumer: string, { minIdleMs, count }: ClaimOptions): Promise<DeliveredEntry[]> {
    return this.db.transaction(() => {
      if (!this.q.group.get(stream, group)) throw new Error(`NOGROUP no consumer group "${group}" on stream "${stream}"`);
      this.addConsumer(stream, group, consumer);
      const now = this.clock.now();
      const out: DeliveredEntry[] = [];
      for (const p of this.q.idlePending.all(stream, group, now - minIdleMs, count)) {
        const row = this.q.entry.get(stream, p.ms, p.seq);
        if (!row) {
          // Trimmed while pending: nothing left to deliver (XAUTOCLAIM drops these too).
          this.q.addGroupPending.run(-this.q.dropPending.run(stream, group, p.ms, p.seq).changes, stream, group);
          continue;
        }
        this.q.claim.run(consumer, now, stream, group, p.ms, p.seq);
        out.push({ ...decodeEvent(`${p.ms}-${p.seq}`, row.body), deliveries: p.deliveries + 1 });
      }
      return out;
    })();
  }

  async claim(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<DeliveredEntry[]> {
    return this.db.transaction(() => {
      if (this.q.group.get(stream, group)) this.addConsumer(stream, group, consumer);
      const now = this.clock.now();
      const out: DeliveredEntry[] = [];
      for (const id of ids) {
        const { ms, seq } = parseId(id);
        const p = this.q.onePending.get(stream, group, ms, seq);
        const row = p && this.q.entry.get(stream, ms, seq);
        if (!p || !row) continue;
        this.q.claim.run(consumer, now, stream, group, ms, seq);
        out.push({ ...decodeEvent(`${ms}-${seq}`, row.body), deliveries: p.deliveries + 1 });
      }
      return out;
    })();
  }

  async pending(stream: string, group: string): Promise<PendingSummary> {
    const consumers = this.q.pendingByConsumer.all(stream, group).map((r) => ({ name: r.name, pending: r.n }));
    return { count: consumers.reduce((n, c) => n + c.pending, 0), consumers };
  }

  async close(): Promise<void> {
    this.hub.failAll(new Error("journal closed"));
  }
}

function compareIds(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}
