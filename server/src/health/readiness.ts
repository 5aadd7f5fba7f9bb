import type { HealthReport } from "./health.ts";

export interface ReadinessDeps {
  health: { report(): Promise<HealthReport> };
  /** Events waiting in the Redis spool (0 without Redis). */
  spoolDepth: () => number;
  /** Above this many spooled events the instance is not ready (`READY_MAX_SPOOL_DEPTH`). */
  maxSpoolDepth: number;
  /** Built-in workers the watchdog found stalled. */
  stalledWorkers: () => readonly string[];
  /** Aborted once shutdown has begun. */
  shutdown: AbortSignal;
}

export interface ReadinessReport {
  ready: boolean;
  /** Why not, one line each; empty when ready. */
  reasons: string[];
  timestamp: string;
}

/**
 * Whether a load balancer should send this instance traffic (`GET /ready`,
 * 503 when not), beside `/health`, which always answers 200 and describes.
 * Not ready while: a dependency is down; the spool holds more than
 * `maxSpoolDepth` events (Redis is back but far behind, or still away); a
 * built-in worker is stalled; shutdown has begun.
 */
export class Readiness {
  constructor(private readonly deps: ReadinessDeps) {}

  async report(): Promise<ReadinessReport> {
    const reasons: string[] = [];
    if (this.deps.shutdown.aborted) reasons.push("shutting down");
    const health = await this.deps.health.report();
    for (const [name, state] of Object.entries(health.dependencies)) {
      if (state.status === "down") reasons.push(`${name} is down${state.error ? `: ${state.error}` : ""}`);
    }
    const depth = this.deps.spoolDepth();
    if (depth > this.deps.maxSpoolDepth) reasons.push(`the spool holds ${depth} events, over ${this.deps.maxSpoolDepth} (READY_MAX_SPOOL_DEPTH)`);
    for (const worker of this.deps.stalledWorkers()) reasons.push(`worker ${worker} is stalled`);
    return { ready: reasons.length === 0, reasons, timestamp: health.timestamp };
  }
}
