import type { Logger } from "../log.ts";
import { silentLogger } from "../log.ts";
import { sleep } from "../util/abort.ts";
import type { DeliveredEntry, Journal, JournalEntry } from "./journal.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { messageOf } from "../errors.ts";

export type EventHandler = (id: string, entry: JournalEntry) => unknown;
/** Handles entries together (e.g. one database write for all); they are acknowledged together once it resolves. */
export type BatchHandler = (entries: readonly JournalEntry[]) => unknown;
/** One entry at a time, or a batch at a time. */
export type Handler = EventHandler | { batch: BatchHandler };

export interface EventConsumerOptions {
  /** How long one read waits for new entries (default 2 s). */
  blockMs?: number;
  /** Entries pending this long (their consumer crashed or hangs) are claimed by this one (default 30 s). */
  reclaimIdleMs?: number;
  /** After this many deliveries an entry goes to `<stream>:dlq` instead of the handler (default 5). */
  maxDeliveries?: number;
  /** First retry delay after a handler failure; doubles per consecutive failure up to 30 s (default 500 ms). */
  retryDelayMs?: number;
  /**
   * After a read that found fewer than `count` new entries, wait this long
   * and read once more before handling, so a trickle of appends is handled
   * in batches rather than one by one (default 0: handle at once).
   */
  lingerMs?: number;
  /**
   * How long (ms) this consumer may still act: its lease's `remaining()`
   * (default: always). At 0 it reads no new entries and hands nothing more
   * to the handler (what it read stays pending under its name, for the
   * lease's next holder), and no blocking read outlasts it.
   */
  leaseLeft?: () => number;
  logger?: Logger;
  clock?: Clock;
}

export interface ConsumeResult {
  processed: number;
  failed: number;
  deadLettered: number;
}

/** The dead-letter stream of `stream`. */
export function deadLetterStream(stream: string): string {
  return `${stream}:dlq`;
}

/**
 * Seed 000's consumer group reader: `new EventConsumer(journal, group,
 * consumer).consume(stream, count, handler)`.
 *
 * Guarantees (at-least-once, on both backends):
 * 1. Entries are handled in id order, and an entry is acknowledged only
 *    after its handler returned (or resolved) without throwing.
 * 2. A failed entry stays pending; it and the entries after it are held and
 *    retried with exponential backoff before anything new is read. Each
 *    retry counts one delivery of the failed entry only.
 * 3. On start, entries still pending for this consumer's name (a restart
 *    after a crash) are handled first; entries left pending by any consumer
 *    for longer than `reclaimIdleMs` are claimed (XAUTOCLAIM) and handled.
 * 4. An entry delivered more than `maxDeliveries` times is appended to
 *    `<stream>:dlq` with the last error and acknowledged, so one poison
 *    event cannot stall the group. The dead letter is keyed by group and id,
 *    so a crash between moving and acking does not duplicate it.
 * 5. A batch handler (`{ batch }`) gets every entry of a read at once and
 *    they are acknowledged together; if it fails, the held entries are
 *    retried one at a time, so a poison entry is isolated (and eventually
 *    dead-lettered) without taking the others with it.
 * Handlers must be idempotent: after a crash an entry can be handled twice,
 * never zero times.
 */
export class EventConsumer {
  private readonly opts: Required<Omit<EventConsumerOptions, "logger" | "clock">>;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly started = new Set<string>();
  /**
   * Per stream: entries delivered here and not yet handled, oldest first.
   * `one`: the first one failed alone; otherwise a whole batch failed.
   */
  private readonly held = new Map<string, { entries: DeliveredEntry[]; one: boolean }>();
  private readonly lastErrors = new Map<string, string>();
  private consecutiveFailures = 0;
  private retryAt = 0;

  constructor(
    private readonly journal: Journal,
    readonly group: string,
    readonly consumer: string,
    options: EventConsumerOptions = {},
  ) {
    if (!journal) throw new Error("new event consumer: no journal");
    if (!group) throw new Error("new event consumer: empty group name");
    if (!consumer) throw new Error("new event consumer: empty consumer name");
    this.opts = {
      blockMs: options.blockMs ?? 2_000,
      reclaimIdleMs: options.reclaimIdleMs ?? 30_000,
      maxDeliveries: options.maxDeliveries ?? 5,
      retryDelayMs: options.retryDelayMs ?? 500,
      lingerMs: options.lingerMs ?? 0,
      leaseLeft: options.leaseLeft ?? (() => Infinity),
    };
    this.logger = options.logger ?? silentLogger();
    this.clock = options.clock ?? systemClock;
  }

  /**
   * One round (creating the group from the stream's start when missing):
   * held entries when their retry is due (else it waits for that, at most
   * `blockMs`), this consumer's own pending entries on the first round,
   * idle entries of other consumers, then up to `count` new entries,
   * waiting up to `blockMs` for them.
   */
  async consume(stream: string, count: number, handler: Handler, signal?: AbortSignal): Promise<ConsumeResult> {
    const result: ConsumeResult = { processed: 0, failed: 0, deadLettered: 0 };
    const held = this.held.get(stream);
    if (held && held.entries.length > 0) {
      const wait = this.retryAt - this.clock.now();
      if (wait > 0) {
        await sleep(Math.min(wait, this.opts.blockMs), signal);
        return result;
      }
      // Count this retry as a delivery of what failed (and learn what was acked or trimmed meanwhile),
      // then retry one entry at a time.
      const failed = held.one ? [held.entries[0]!] : held.entries;
      const claimed = new Map((await this.journal.claim(stream, this.group, this.consumer, failed.map((e) => e.id))).map((e) => [e.id, e]));
      const entries = held.entries.flatMap((e, i) => (i < failed.length ? (claimed.has(e.id) ? [claimed.get(e.id)!] : []) : [e]));
      this.held.delete(stream);
      await this.handleAll(stream, entries, handler, result, true);
      return result;
    }

    if (!this.started.has(stream)) {
      await this.journal.createGroup(stream, this.group, "0");
      const own = await this.journal.readGroup(stream, this.group, this.consumer, { count, id: "0" });
      if (own.length < count) this.started.add(stream);
      if (!(await this.handleAll(stream, own, handler, result)) || own.length > 0) return result;
    }

    if (this.opts.leaseLeft() <= 0) return result;
    const claimed = await this.journal.claimIdle(stream, this.group, this.consumer, { minIdleMs: this.opts.reclaimIdleMs, count });
    if (claimed.length > 0) {
      this.logger.info({ stream, group: this.group, consumer: this.consumer, count: claimed.length }, "claimed idle entries");
      await this.handleAll(stream, claimed, handler, result);
      return result;
    }

    // No read may deliver once the lease could have passed on: Redis would hand the entries to this name while the
    // next holder reads on past them (it re-reads this name's pending entries only when it starts).
    const left = this.opts.leaseLeft();
    if (left <= 0) return result;
    const blockMs = Math.max(1, Math.min(this.opts.blockMs, Math.floor(left)));
    const fresh = await this.journal.readGroup(stream, this.group, this.consumer, { count, blockMs, signal, id: ">" });
    if (fresh.length > 0 && fresh.length < count && this.opts.lingerMs > 0) {
      await sleep(this.opts.lingerMs, signal);
      if (this.opts.leaseLeft() > 0) fresh.push(...(await this.journal.readGroup(stream, this.group, this.consumer, { count: count - fresh.length, id: ">" })));
    }
    await this.handleAll(stream, fresh, handler, result);
    return result;
  }

  /** Consumes until `signal` aborts; errors of the journal itself (e.g. Redis down) are retried with backoff, logged once per outage. */
  async run(stream: string, count: number, handler: Handler, signal: AbortSignal): Promise<void> {
    let outage = 0;
    while (!signal.aborted) {
      try {
        await this.consume(stream, count, handler, signal);
        if (outage > 0) this.logger.info({ stream, group: this.group }, "consumer recovered");
        outage = 0;
      } catch (error) {
        if (signal.aborted) break;
        if (outage++ === 0) this.logger.warn({ stream, group: this.group, err: (error as Error).message }, "consumer cannot read the journal; retrying with backoff");
        await sleep(Math.min(250 * 2 ** outage, 10_000), signal);
      }
    }
  }

  /**
   * Handles entries in order, after dead-lettering those delivered too often:
   * all at once with a batch handler (unless `oneByOne`), else one at a time.
   * On a failure holds what is not done and returns false.
   */
  private async handleAll(stream: string, entries: DeliveredEntry[], handler: Handler, result: ConsumeResult, oneByOne = false): Promise<boolean> {
    const live: DeliveredEntry[] = [];
    for (const entry of entries) {
      if (entry.deliveries > this.opts.maxDeliveries) {
        await this.deadLetter(stream, entry);
        result.deadLettered++;
      } else {
        live.push(entry);
      }
    }
    if (live.length === 0) return true;
    if (this.opts.leaseLeft() <= 0) return false; // left pending for the lease's next holder
    if (typeof handler !== "function" && !oneByOne) {
      try {
        await handler.batch(live);
      } catch (error) {
        this.fail(stream, live, false, error, result);
        return false;
      }
      await this.journal.ack(stream, this.group, live.map((e) => e.id));
      this.succeeded(stream, live, result);
      return true;
    }
    for (let i = 0; i < live.length; i++) {
      const entry = live[i]!;
      if (this.opts.leaseLeft() <= 0) return false;
      try {
        if (typeof handler === "function") await handler(entry.id, entry);
        else await handler.batch([entry]);
      } catch (error) {
        this.fail(stream, live.slice(i), true, error, result);
        return false;
      }
      await this.journal.ack(stream, this.group, [entry.id]);
      this.succeeded(stream, [entry], result);
    }
    return true;
  }

  private fail(stream: string, entries: DeliveredEntry[], one: boolean, error: unknown, result: ConsumeResult): void {
    const message = messageOf(error);
    for (const entry of one ? entries.slice(0, 1) : entries) this.lastErrors.set(entry.id, message);
    result.failed++;
    this.consecutiveFailures++;
    this.retryAt = this.clock.now() + Math.min(this.opts.retryDelayMs * 2 ** (this.consecutiveFailures - 1), 30_000);
    if (this.consecutiveFailures === 1) {
      this.logger.warn(
        { stream, group: this.group, id: entries[0]!.id, entries: one ? 1 : entries.length, err: message },
        "handler failed; entries stay pending and are retried with backoff",
      );
    }
    this.held.set(stream, { entries, one });
  }

  private succeeded(stream: string, done: readonly DeliveredEntry[], result: ConsumeResult): void {
    for (const entry of done) this.lastErrors.delete(entry.id);
    if (this.consecutiveFailures > 0) this.logger.info({ stream, group: this.group, id: done[done.length - 1]!.id }, "handler recovered");
    this.consecutiveFailures = 0;
    result.processed += done.length;
  }

  private async deadLetter(stream: string, entry: DeliveredEntry): Promise<void> {
    const error = this.lastErrors.get(entry.id) ?? "handler failed on earlier deliveries";
    const { id, deliveries, ...event } = entry;
    await this.journal.append([
      {
        stream: deadLetterStream(stream),
        event: {
          type: entry.type,
          ts: this.clock.now(),
          data: { stream, group: this.group, consumer: this.consumer, original_id: id, deliveries, error, event },
          key: `dlq:${this.group}:${id}`,
        },
      },
    ]);
    await this.journal.ack(stream, this.group, [id]);
    this.lastErrors.delete(id);
    this.logger.error({ stream, group: this.group, id, deliveries, err: error }, "entry moved to the dead-letter stream");
  }
}
