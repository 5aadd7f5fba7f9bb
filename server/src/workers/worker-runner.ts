import { hostname } from "node:os";
import { UnavailableError } from "../errors.ts";
import { EventConsumer, type BatchHandler, type EventConsumerOptions, type EventHandler, type Handler } from "../journal/event-consumer.ts";
import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { anySignal, sleep } from "../util/abort.ts";
import type { Lease } from "./lease.ts";

/** A built-in worker: a handler for the entries of one journal stream, read through one consumer group. */
export interface WorkerDefinition {
  /** Names the worker in logs. */
  name: string;
  stream: string;
  group: string;
  /**
   * Handles one entry (a function), or every entry of a read at once
   * (`{ batch }`: one database write for many, acknowledged together).
   * Must be idempotent: delivery is at least once.
   */
  handle: EventHandler | { batch: BatchHandler };
  /** Runs before the first read, again until it succeeds (e.g. creating indexes while MongoDB is away). */
  init?: () => Promise<void>;
  /**
   * A failure that means "the dependency is away, try again": the entry is
   * retried in place, with backoff, for as long as it lasts, and never
   * counts towards dead-lettering. Default: UnavailableError.
   */
  isTransient?: (error: unknown) => boolean;
  /** Entries per read (default 500). */
  batch?: number;
  /** The consumer's timings and dead-letter threshold (see EventConsumer). */
  consumer?: Omit<EventConsumerOptions, "logger">;
  /**
   * Consume only while holding this lease (one active consumer across
   * instances). Use with a fixed `consumerName`, so whoever holds it next
   * resumes the previous holder's pending entries first, in order.
   */
  lease?: Lease;
  /** This worker's consumer name in its group (default: the runner's). */
  consumerName?: string;
  /** Told each time a transient failure is retried (for a metric). */
  onRetry?: () => void;
  /** Runs each time the consumer starts (after taking the lease), before its first read; retried like `init`. */
  onStart?: () => Promise<void>;
  /** Runs each time the consumer stops (the lease lost, or shutdown). */
  onStop?: () => void;
}

export interface WorkerRunnerOptions {
  journal: Journal;
  logger: Logger;
  /** Handed to every consumer (idle times, retry timing). */
  clock?: Clock;
  /** This process's consumer name in every group (default: the host name, so a restart resumes its own pending entries at once). */
  consumerName?: string;
  /** Longest pause between retries of a transient failure (default 10 s). */
  maxRetryDelayMs?: number;
}

interface Running {
  definition: WorkerDefinition;
  done: Promise<void>;
}

/**
 * Runs the built-in workers, one EventConsumer each, from `start` until
 * `stop`. Guarantees on top of EventConsumer's (ordered, at least once,
 * dead-lettering after `maxDeliveries` failures):
 * 1. An outage of a worker's dependency delays its entries and loses none:
 *    a transient failure holds the entry (and the ones after it) in the
 *    handler, retrying with backoff, logged once per outage, instead of
 *    failing it towards the dead-letter stream.
 * 2. `init` has succeeded before the worker reads its first entry.
 * 3. `stop` ends every read and retry and resolves once every worker has
 *    returned; an entry whose handling was interrupted stays pending and is
 *    handled again after the next start.
 */
export class WorkerRunner {
  private readonly abort = new AbortController();
  private readonly running: Running[] = [];
  private readonly consumerName: string;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly opts: WorkerRunnerOptions) {
    if (!opts?.journal) throw new Error("new worker runner: no journal");
    if (!opts.logger) throw new Error("new worker runner: no logger");
    this.consumerName = opts.consumerName ?? hostname();
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 10_000;
  }

  /** Names of the workers started. */
  get workers(): string[] {
    return this.running.map((r) => r.definition.name);
  }

  /** Starts each worker; a worker name may run once per runner. */
  start(...definitions: WorkerDefinition[]): void {
    if (this.abort.signal.aborted) throw new Error("worker runner: start after stop");
    for (const definition of definitions) {
      if (this.workers.includes(definition.name)) throw new Error(`worker runner: ${definition.name} is already running`);
      this.running.push({ definition, done: this.run(definition) });
    }
  }

  /** Stops every worker and resolves once all have returned. Safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running.map((r) => r.done));
  }

  private async run(definition: WorkerDefinition): Promise<void> {
    const { name, stream, group } = definition;
    const signal = this.abort.signal;
    const logger = this.opts.logger.child({ worker: name, stream, group });
    const isTransient = definition.isTransient ?? ((error: unknown) => error instanceof UnavailableError);
    const consumerName = definition.consumerName ?? this.consumerName;
    try {
      if (definition.init) await this.retrying(logger, "init", () => definition.init!(), () => true);
      if (signal.aborted) return;
      const given = definition.handle;
      const handle: Handler =
        typeof given === "function"
          ? (id, entry) => this.retrying(logger, id, () => given(id, entry), isTransient, definition.onRetry)
          : { batch: (entries) => this.retrying(logger, entries[0]?.id ?? "batch", () => given.batch(entries), isTransient, definition.onRetry) };
      while (!signal.aborted) {
        const held = definition.lease ? await definition.lease.acquire(signal) : signal;
        if (!held) break;
        // A new consumer each time: one that lost the lease may have entries held in memory.
        // Background work: linger a moment after a short read so a trickle of appends is handled in batches.
        const consumer = new EventConsumer(this.opts.journal, group, consumerName, { lingerMs: 50, clock: this.opts.clock ?? systemClock, ...definition.consumer, logger });
        if (definition.onStart) await this.retrying(logger, "start", () => definition.onStart!(), () => true);
        logger.info({ consumer: consumerName }, "worker started");
        try {
          await consumer.run(stream, definition.batch ?? 500, handle, anySignal(signal, held));
        } finally {
          definition.onStop?.();
        }
        if (!signal.aborted) logger.warn("worker paused: its lease was lost; waiting to take it again");
      }
    } catch (error) {
      if (!signal.aborted) logger.error({ err: error }, "worker stopped by an error");
      return;
    }
    logger.info("worker stopped");
  }

  /** Runs `task` until it succeeds, retrying with backoff while `retry(error)` holds and the runner runs. */
  private async retrying<T>(
    logger: Logger,
    what: string,
    task: () => T | Promise<T>,
    retry: (error: unknown) => boolean,
    onRetry?: () => void,
  ): Promise<T> {
    const signal = this.abort.signal;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await task();
        if (attempt > 0) logger.info({ entry: what, attempts: attempt + 1 }, "worker dependency is back");
        return result;
      } catch (error) {
        if (signal.aborted || !retry(error)) throw error;
        onRetry?.();
        if (attempt === 0) logger.warn({ entry: what, err: (error as Error).message }, "worker dependency unavailable; retrying with backoff");
        await sleep(Math.min(250 * 2 ** attempt, this.maxRetryDelayMs), signal);
        if (signal.aborted) throw error;
      }
    }
  }
}
