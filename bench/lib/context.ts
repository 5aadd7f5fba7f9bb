import type { Service } from "./services.ts";

/** What every scenario gets from the run. */
export interface BenchContext {
  quick: boolean;
  /** The run's redis-server (no persistence). */
  redis: Service;
  /** `dist/gamejournal serve` on that Redis. */
  server: Service;
  /** Seconds each timed case runs (after its warm-up). */
  seconds: number;
  log: (line: string) => void;
}
