import { Counter, Gauge, type Registry } from "prom-client";
import { UnavailableError } from "../errors.ts";
import { EventConsumer, type BatchHandler, type EventConsumerOptions, type EventHandler, type Handler } from "../journal/event-consumer.ts";
import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { anySignal, sleep } from "../util/abort.ts";
import { consumerExpiryTimer } from "./consumer-expiry.ts";
import { newInstanceName } from "./instance-name.ts";
import type { Lease } from "./lease.ts";
import { StepTracker, unlessAborted } from "./watchdog.ts";

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
   * resumes the previous holder's pending entries first, in order: with
   * the lease, only one live process uses that name at a time.
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
  /** Handed to every consumer (idle times, retry timing) and the watchdog. */
  clock?: Clock;
  /**
   * This process's consumer name in every group (default: `newInstanceName()`,
   * unique per process start). Must differ between running processes: a
   * consumer re-reads the entries pending under its name as its own, so two
   * live processes sharing one would handle each other's entries. A dead
   * process's pending entries are claimed by idle time (`reclaimIdleMs`).
   */
  consumerName?: string;
  /** Entries pending this long with another consumer (one that died) are claimed (default 30 s; a definition's `consumer` options win). */
  reclaimIdleMs?: number;
  /**
   * Consumers of the workers' groups idle this long with nothing pending
   * are removed (see consumer-expiry.ts), checked every quarter of it (at
   * most every 5 min, at least every second); unset: never.
   */
  consumerExpiryMs?: number;
  /** Longest pause between retries of a transient failure (default 10 s). */
  maxRetryDelayMs?: number;
  /** A worker waiting longer than this on one step (a journal call, a handler attempt) is stalled and restarted (default 60 s). */
  stallMs?: number;
  /** Where the watchdog counts stalls (`gamejournal_worker_stalls_total`, `gamejournal_worker_stalled`). */
  registry?: Registry;
}

/** One run of a worker's consumer: its steps, and the switch the watchdog turns to restart it. */
interface Generation {
  readonly steps: StepTracker;
  readonly restart: AbortController;
  /** Aborts on stop or on restart. */
  readonly signal: AbortSignal;
}

interface Running {
  definition: WorkerDefinition;
  done: Promise<void>;
  current?: Generation;
  stalled: boolean;
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
 *    returned, even one waiting on a call that never settles; an entry
 *    whose handling was interrupted stays pending and is handled again
 *    after the next start.
 * 4. A watchdog restarts, in process, a worker that waits longer than
 *    `stallMs` on one step (a journal call or a handler attempt that never
 *    settles; a transient failure's retries are not a stall, since each
 *    attempt settles): it logs an error, counts the stall, reports the
 *    worker in `stalled()` until its new run makes progress, abandons the
 *    stuck call, and starts a new consumer under the same name, which
 *    handles the entries left pending first.
 */
export class WorkerRunner {
  private readonly abort = new AbortController();
  private readonly running: Running[] = [];
  private readonly consumerName: string;
  private readonly maxRetryDelayMs: number;
  private readonly stallMs: number;
  private readonly clock: Clock;
  private watchdog: Timer | undefined;
  private expiry: { stop(): Promise<void> } | undefined;
  private readonly stalls?: Counter<"worker">;
  private readonly stalledGauge?: Gauge<"worker">;

  constructor(private readonly opts: WorkerRunnerOptions) {
    if (!opts?.journal) throw new Error("new worker runner: no journal");
    if (!opts.logger) throw new Error("new worker runner: no logger");
    this.consumerName = opts.consumerName ?? newInstanceName();
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 10_000;
    this.stallMs = opts.stallMs ?? 60_000;
    this.clock = opts.clock ?? systemClock;
    if (opts.registry) {
      this.stalls = new Counter({
        name: "gamejournal_worker_stalls_total",
        help: "Built-in workers restarted by the watchdog after waiting too long on one step",
        labelNames: ["worker"],
        registers: [opts.registry],
      });
      this.stalledGauge = new Gauge({
        name: "gamejournal_worker_stalled",
        help: "1 while a built-in worker is stalled (restarted and not yet progressing)",
        labelNames: ["worker"],
        registers: [opts.registry],
      });
    }
  }

  /** This process's consumer name in the groups of workers without a fixed one. */
  get consumer(): string {
    return this.consumerName;
  }

  /** Names of the workers started. */
  get workers(): string[] {
    return this.running.map((r) => r.definition.name);
  }

  /** Names of the workers the watchdog found stalled and whose new run has not made progress yet. */
  stalled(): string[] {
    return this.running.filter((r) => r.stalled).map((r) => r.definition.name);
  }

  /** Starts each worker; a worker name may run once per runner. */
  start(...definitions: WorkerDefinition[]): void {
    if (this.abort.signal.aborted) throw new Error("worker runner: start after stop");
    for (const definition of definitions) {
      if (this.workers.includes(definition.name)) throw new Error(`worker runner: ${definition.name} is already running`);
      const running: Running = { definition, done: Promise.resolve(), stalled: false };
      this.stalledGauge?.set({ worker: definition.name }, 0);
      running.done = this.run(running);
      this.running.push(running);
    }
    this.watchdog ??= setInterval(() => this.checkStalls(), Math.max(10, Math.min(1_000, this.stallMs / 4)));
    this.watchdog.unref?.();
    const expiryMs = this.opts.consumerExpiryMs;
    if (expiryMs !== undefined) {
      this.expiry ??= consumerExpiryTimer(this.opts.journal, () => this.groups(), {
        expiryMs,
        everyMs: Math.max(1_000, Math.min(300_000, expiryMs / 4)),
        keep: new Set([this.consumerName, ...this.running.flatMap((r) => (r.definition.consumerName ? [r.definition.consumerName] : []))]),
        logger: this.opts.logger,
      });
    }
  }

  /** The (stream, group) pairs the workers read, each once. */
  private groups(): Array<{ stream: string; group: string }> {
    const seen = new Map(this.running.map(({ definition: { stream, group } }) => [`${stream}\n${group}`, { stream, group }]));
    return [...seen.values()];
  }

  /** Stops every worker and resolves once all have returned (abandoning calls that never settle). Safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.watchdog);
    await this.expiry?.stop();
    await Promise.all(this.running.map((r) => r.done));
  }

  private checkStalls(): void {
    for (const running of this.running) {
      const generation = running.current;
      const oldest = generation?.steps.oldest();
      if (!generation || !oldest || oldest.waitedMs <= this.stallMs || generation.restart.signal.aborted) continue;
      const { name, stream, group } = running.definition;
      this.opts.logger.error({ worker: name, stream, group, step: oldest.what, waited_ms: oldest.waitedMs }, "worker stalled: no progress on one step; restarting it");
      running.stalled = true;
      this.stalls?.inc({ worker: name });
      this.stalledGauge?.set({ worker: name }, 1);
      generation.restart.abort();
    }
  }

  private begin(running: Running): Generation {
    const restart = new AbortController();
    // Progress after a restart: an entry handled, or a read that found the group caught up.
    const steps = new StepTracker(this.clock, (what, value) => {
      if (running.current !== generation || !running.stalled) return;
      if (what !== "handler" && !(what === "journal.readGroup" && Array.isArray(value) && value.length === 0)) return;
      running.stalled = false;
      this.stalledGauge?.set({ worker: running.definition.name }, 0);
      this.opts.logger.info({ worker: running.definition.name }, "worker progressing again after a restart");
    });
    const generation: Generation = { steps, restart, signal: anySignal(this.abort.signal, restart.signal) };
    running.current = generation;
    return generation;
  }

  private async run(running: Running): Promise<void> {
    const { definition } = running;
    const { name, stream, group } = definition;
    const stop = this.abort.signal;
    const logger = this.opts.logger.child({ worker: name, stream, group });
    const state = { initialised: !definition.init };
    while (!stop.aborted) {
      const generation = this.begin(running);
      try {
        // A stuck step is abandoned here: the restart (or stop) ends the wait at once.
        await unlessAborted(this.runOnce(definition, generation, logger, state), generation.signal);
      } catch (error) {
        if (!generation.signal.aborted) {
          logger.error({ err: error }, "worker stopped by an error");
          return;
        }
      }
      if (!generation.restart.signal.aborted) break;
    }
    logger.info("worker stopped");
  }

  /** One run: `init` until it succeeds (once per runner), then the consumer, under the lease if any, until `generation` ends. */
  private async runOnce(definition: WorkerDefinition, generation: Generation, logger: Logger, state: { initialised: boolean }): Promise<void> {
    const { stream, group } = definition;
    const { signal, steps } = generation;
    const isTransient = definition.isTransient ?? ((error: unknown) => error instanceof UnavailableError);
    const consumerName = definition.consumerName ?? this.consumerName;
    if (!state.initialised) {
      await this.retrying(logger, signal, "init", () => steps.track("init", async () => definition.init!()), () => true);
      state.initialised = true;
    }
    if (signal.aborted) return;
    const given = definition.handle;
    const handle: Handler =
      typeof given === "function"
        ? (id, entry) => this.retrying(logger, signal, id, () => steps.track("handler", async () => given(id, entry)), isTransient, definition.onRetry)
        : {
            batch: (entries) =>
              this.retrying(logger, signal, entries[0]?.id ?? "batch", () => steps.track("handler", async () => given.batch(entries)), isTransient, definition.onRetry),
          };
    const journal = steps.journal(this.opts.journal);
    while (!signal.aborted) {
      const held = definition.lease ? await definition.lease.acquire(signal) : signal;
      if (!held) break;
      // A new consumer each time: one that lost the lease may have entries held in memory.
      // Background work: linger a moment after a short read so a trickle of appends is handled in batches.
      const reclaim = this.opts.reclaimIdleMs === undefined ? {} : { reclaimIdleMs: this.opts.reclaimIdleMs };
      const lease = definition.lease;
      const fence = lease ? { leaseLeft: () => lease.remaining() } : {};
      const consumer = new EventConsumer(journal, group, consumerName, { lingerMs: 50, clock: this.clock, ...reclaim, ...definition.consumer, ...fence, logger });
      try {
        if (definition.onStart) await this.retrying(logger, signal, "start", () => steps.track("start", async () => definition.onStart!()), () => true);
        logger.info({ consumer: consumerName }, "worker started");
        await consumer.run(stream, definition.batch ?? 500, handle, anySignal(signal, held));
      } finally {
        definition.onStop?.();
        // Every handler has returned: the lease may go to another instance.
        if (held !== signal) definition.lease?.stopped?.(held);
      }
      if (!signal.aborted) logger.info({ reason: reasonOf(held) }, "worker paused: its lease was given up or lost; waiting to take it again");
    }
  }

  /** Runs `task` until it succeeds, retrying with backoff while `retry(error)` holds and `signal` has not aborted. */
  private async retrying<T>(
    logger: Logger,
    signal: AbortSignal,
    what: string,
    task: () => T | Promise<T>,
    retry: (error: unknown) => boolean,
    onRetry?: () => void,
  ): Promise<T> {
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

/** Why a signal aborted, as text for a log line. */
function reasonOf(signal: AbortSignal): string | undefined {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : reason === undefined ? undefined : String(reason);
}
