import type { Database } from "bun:sqlite";
import { ErrorReply } from "redis";
import { isTransientReply } from "../backends/redis-errors.ts";
import { GameJournalError, UnavailableError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../util/abort.ts";
import { decodeEvent, encodeEvent } from "./codec.ts";
import type { AppendResult, AppendWrite, Journal } from "./journal.ts";

/**
 * An error that is an answer, not an outage: a reply of Redis other than a
 * cluster's "not now" (CLUSTERDOWN, TRYAGAIN, ...), or one of ours (e.g. an
 * append its replicas did not acknowledge in time, which is stored).
 */
function isRefusal(error: unknown): boolean {
  return (error instanceof ErrorReply && !isTransientReply(error)) || error instanceof GameJournalError;
}

/**
 * No loss while Redis is unreachable: a journal decorator that keeps appends
 * it cannot hand to Redis in a local SQLite spool and drains them to Redis,
 * in order, once it is back. (Seed 000 skips journaling when Redis is down;
 * we keep the data.)
 *
 * Guarantees:
 * 1. An append answered `spooled` is committed to the spool (SQLite WAL,
 *    survives a crash of this process) and will reach Redis.
 * 2. Order: while the spool holds anything, new appends join its end, so a
 *    stream's events reach Redis in the order they were accepted here.
 * 3. Duplicates: spooled events keep their idempotency key, and an event
 *    without one is given one (`spool:<uuid>`) before its first drain
 *    attempt, so retrying a drain never stores an event twice. The one
 *    window left: an unkeyed append that was in flight when the connection
 *    died may have reached Redis before it was spooled; it is stored twice.
 *    Events with a key are stored exactly once.
 * On a Redis Cluster an outage is also a failover in progress: CLUSTERDOWN,
 * TRYAGAIN and the like spool as a lost connection does.
 * Reads and consumer-group calls are not spooled: while Redis is down they
 * fail with UnavailableError (503).
 */
export class SpoolingJournal implements Journal {
  readonly backend: Journal["backend"];
  private depth: number;
  private readonly stopped = new AbortController();
  private draining: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly q;

  constructor(
    private readonly inner: Journal,
    private readonly db: Database,
    private readonly isConnected: () => boolean,
    private readonly logger: Logger,
    private readonly opts: { batch?: number } = {},
  ) {
    this.backend = inner.backend;
    db.exec(`CREATE TABLE IF NOT EXISTS spool (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, max_len INTEGER, body TEXT NOT NULL)`);
    this.q = {
      add: db.query("INSERT INTO spool (stream, max_len, body) VALUES (?, ?, ?)"),
      oldest: db.query<{ seq: number; stream: string; max_len: number | null; body: string }, [number]>(
        "SELECT seq, stream, max_len, body FROM spool ORDER BY seq LIMIT ?",
      ),
      remove: db.query("DELETE FROM spool WHERE seq <= ?"),
      count: db.query<{ n: number }, []>("SELECT count(*) AS n FROM spool"),
    };
    this.depth = this.q.count.get()!.n;
    if (this.depth > 0) this.startDrain();
  }

  /** Events waiting in the spool. */
  get spoolDepth(): number {
    return this.depth;
  }

  async append(writes: readonly AppendWrite[]): Promise<AppendResult[]> {
    if (this.depth === 0 && this.isConnected()) {
      try {
        return await this.inner.append(writes);
      } catch (error) {
        if (isRefusal(error)) throw error; // Redis answered, or the append was refused: not an outage
        this.logger.warn({ err: (error as Error).message, events: writes.length }, "redis unreachable; spooling appends");
      }
    }
    return this.spool(writes);
  }

  private spool(writes: readonly AppendWrite[]): AppendResult[] {
    this.db.transaction(() => {
      for (const { stream, event, maxLen } of writes) {
        const keyed = event.key !== undefined ? event : { ...event, key: `spool:${crypto.randomUUID()}` };
        this.q.add.run(stream, maxLen ?? null, encodeEvent(keyed));
      }
    })();
    this.setDepth(this.depth + writes.length);
    this.startDrain();
    return writes.map(({ stream }) => ({ stream, id: null, duplicate: false, spooled: true }));
  }

  private setDepth(depth: number): void {
    this.depth = depth;
  }

  private startDrain(): void {
    if (this.draining) {
      this.wake?.();
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.depth > 0 && !this.stopped.signal.aborted) this.startDrain();
    });
  }

  /** Moves the spool to Redis oldest first, a batch at a time, backing off while Redis is away. */
  private async drain(): Promise<void> {
    let failures = 0;
    while (this.depth > 0 && !this.stopped.signal.aborted) {
      if (!this.isConnected()) {
        await this.pause(failures++);
        continue;
      }
      const rows = this.q.oldest.all(this.opts.batch ?? 500);
      if (rows.length === 0) {
        this.setDepth(0);
        break;
      }
      try {
        await this.inner.append(
          rows.map((r) => {
            const { id: _, ...event } = decodeEvent("0-0", r.body);
            return { stream: r.stream, event, ...(r.max_len !== null ? { maxLen: r.max_len } : {}) };
          }),
        );
        this.q.remove.run(rows[rows.length - 1]!.seq);
        this.setDepth(this.q.count.get()!.n);
        if (failures > 0) this.logger.info({ remaining: this.depth }, "redis is back; draining the spool");
        failures = 0;
      } catch (error) {
        if (failures === 0) this.logger.warn({ err: (error as Error).message, depth: this.depth }, "spool drain failed; retrying with backoff");
        await this.pause(failures++);
      }
    }
    if (this.depth === 0) this.logger.info("spool drained");
  }

  private pause(failures: number): Promise<void> {
    return Promise.race([
      sleep(Math.min(100 * 2 ** failures, 1_000), this.stopped.signal),
      new Promise<void>((resolve) => (this.wake = resolve)),
    ]);
  }

  /** Resolves once the spool is empty (or the journal closes). */
  async drained(): Promise<void> {
    while (this.depth > 0 && !this.stopped.signal.aborted) {
      this.startDrain();
      await this.draining;
    }
  }

  read: Journal["read"] = (...args) => this.guard(() => this.inner.read(...args));
  readRaw: Journal["readRaw"] = (...args) => this.guard(() => this.inner.readRaw(...args));
  tail: Journal["tail"] = (...args) => this.inner.tail(...args);
  watch: Journal["watch"] = (...args) => this.inner.watch(...args);
  trim: Journal["trim"] = (...args) => this.guard(() => this.inner.trim(...args));
  info: Journal["info"] = (...args) => this.guard(() => this.inner.info(...args));
  streams: Journal["streams"] = (...args) => this.guard(() => this.inner.streams(...args));
  createGroup: Journal["createGroup"] = (...args) => this.guard(() => this.inner.createGroup(...args));
  deleteGroup: Journal["deleteGroup"] = (...args) => this.guard(() => this.inner.deleteGroup(...args));
  readGroup: Journal["readGroup"] = (...args) => this.guard(() => this.inner.readGroup(...args));
  ack: Journal["ack"] = (...args) => this.guard(() => this.inner.ack(...args));
  claim: Journal["claim"] = (...args) => this.guard(() => this.inner.claim(...args));
  claimIdle: Journal["claimIdle"] = (...args) => this.guard(() => this.inner.claimIdle(...args));
  pending: Journal["pending"] = (...args) => this.guard(() => this.inner.pending(...args));
  consumers: Journal["consumers"] = (...args) => this.guard(() => this.inner.consumers(...args));
  deleteConsumer: Journal["deleteConsumer"] = (...args) => this.guard(() => this.inner.deleteConsumer(...args));
  remove: Journal["remove"] = (...args) => this.guard(() => this.inner.remove(...args));

  /** Outages (connection failures, a cluster failing over) become UnavailableError; Redis's own answers pass through. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isRefusal(error)) throw error;
      throw new UnavailableError(`redis is unreachable: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.stopped.abort();
    this.wake?.();
    await this.draining?.catch(() => {});
    await this.inner.close();
  }
}
