import { systemClock, type Clock } from "../platform/clock.ts";
import { messageOf } from "../errors.ts";
/**
 * Health of the server and its dependencies. A dependency that is down makes
 * the status `degraded`; the answer is still HTTP 200 and nothing throws, so
 * load balancers keep routing to an instance that can spool.
 */

export interface DependencyState {
  /** `degraded`: reachable but not caught up (e.g. the journal spool is still draining). */
  status: "up" | "degraded" | "down";
  /** Round-trip time of the check, in milliseconds. */
  latency_ms?: number;
  error?: string;
  /** Extra figures the dependency reports (e.g. spool depth). */
  [detail: string]: unknown;
}

export interface DependencyCheck {
  readonly name: string;
  check(): Promise<DependencyState>;
}

export interface HealthReport {
  status: "healthy" | "degraded";
  timestamp: string;
  version: string;
  backend: { journal: "redis" | "sqlite"; documents: "mongodb" | "sqlite" };
  dependencies: Record<string, DependencyState>;
}

/** Runs `probe` with a deadline and turns any failure into a `down` state. */
export async function probeDependency(probe: () => Promise<unknown>, timeoutMs = 1_000): Promise<DependencyState> {
  const started = performance.now();
  let timer: Timer | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: "up", latency_ms: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { status: "down", error: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

export class Health {
  private readonly checks: DependencyCheck[] = [];

  constructor(
    private readonly backend: HealthReport["backend"],
    private readonly version: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Adds a dependency to every later report. */
  register(check: DependencyCheck): void {
    this.checks.push(check);
  }

  async report(): Promise<HealthReport> {
    const states = await Promise.all(
      this.checks.map(async (c) => [c.name, await c.check().catch((e: Error) => ({ status: "down", error: e.message }))] as const),
    );
    const dependencies = Object.fromEntries(states) as Record<string, DependencyState>;
    const degraded = states.some(([, s]) => s.status !== "up");
    return {
      status: degraded ? "degraded" : "healthy",
      timestamp: new Date(this.clock.now()).toISOString(),
      version: this.version,
      backend: this.backend,
      dependencies,
    };
  }
}
