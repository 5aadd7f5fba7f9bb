import type { Logger } from "../log.ts";
import { anySignal, sleep } from "../util/abort.ts";
import type { Lease } from "../workers/lease.ts";

/** What the supervisor runs: a `GmEventsWorker`. */
export interface SupervisedWorker {
  run(signal: AbortSignal, hooks?: { onRead?: () => void }): Promise<void>;
}

export interface GmEventsSupervisorConfig {
  worker: SupervisedWorker;
  logger: Logger;
  /**
   * Run only while holding this lease (`redisLease`: one consumer across
   * instances; `localLease` or none when embedded). A successor resumes from
   * the stored offset.
   */
  lease?: Lease | undefined;
  /** Pause before restarting after a failure: `min` first, doubling up to `max` (default 200 ms to 10 s). */
  backoffMs?: { min: number; max: number } | undefined;
}

/**
 * Keeps the gm events worker running from `run(signal)` until the signal
 * aborts:
 *
 * 1. A failed run (the stream or the offset store unreachable, a failed
 *    offset save) is restarted after a pause that doubles up to
 *    `backoffMs.max`; the restarted worker resumes from the stored offset,
 *    so nothing is skipped. An outage is logged once when it starts (warn)
 *    and once when the worker reads again (info), not once per retry.
 * 2. With a lease, the worker runs only while the lease is held: losing it
 *    stops the worker (after the entry in hand), and the supervisor waits
 *    to take it again. When `run` returns, the lease is released so that
 *    another instance takes over at once.
 * 3. `run` resolves once the worker has stopped; it never rejects.
 */
export class GmEventsSupervisor {
  private readonly log: Logger;
  private readonly backoff: { min: number; max: number };

  constructor(private readonly config: GmEventsSupervisorConfig) {
    if (!config?.worker) throw new Error("new gm events supervisor: no worker");
    if (!config.logger) throw new Error("new gm events supervisor: no logger");
    this.log = config.logger.child({ worker: "lobby.gmevents" });
    this.backoff = config.backoffMs ?? { min: 200, max: 10_000 };
  }

  async run(signal: AbortSignal): Promise<void> {
    const { worker, lease } = this.config;
    let failures = 0;
    const onRead = () => {
      if (failures === 0) return;
      this.log.info({ failures }, "gm events consumer recovered");
      failures = 0;
    };
    try {
      while (!signal.aborted) {
        const held = lease ? await lease.acquire(signal) : signal;
        if (!held || signal.aborted) break;
        try {
          await worker.run(anySignal(signal, held), { onRead, ...(lease ? { leaseLeft: () => lease.remaining() } : {}) });
        } catch (error) {
          if (signal.aborted) break;
          if (failures++ === 0) this.log.warn({ err: (error as Error).message }, "gm events consumer failed; restarting with backoff until it recovers");
          await sleep(Math.min(this.backoff.min * 2 ** (failures - 1), this.backoff.max), signal);
        }
      }
    } finally {
      await lease?.release().catch(() => {});
    }
  }
}
