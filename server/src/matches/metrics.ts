import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { SummarizerMetrics } from "./summarizer.ts";

/** Match summary metrics; `retries` is counted by the worker runner. */
export function matchMetrics(registry: Registry, { partitionsHeld }: { partitionsHeld?: () => number } = {}): SummarizerMetrics & { retry(): void } {
  const open = new Gauge({ name: "gamejournal_matches_open", help: "Matches in progress held by the summary worker", registers: [registry] });
  if (partitionsHeld) {
    new Gauge({
      name: "gamejournal_match_partitions_held",
      help: "Partitions of match summarization this instance holds (folds)",
      registers: [registry],
      collect() {
        this.set(partitionsHeld());
      },
    });
  }
  const written = new Counter({ name: "gamejournal_match_summaries_written_total", help: "Match summaries stored", registers: [registry] });
  const lag = new Histogram({
    name: "gamejournal_match_summary_lag_seconds",
    help: "From a match's end (its last event's time) to its summary being stored",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  const retries = new Counter({
    name: "gamejournal_match_summary_worker_retries_total",
    help: "Entries the summary worker retried because a dependency (MongoDB) was unavailable",
    registers: [registry],
  });
  return {
    setOpen: (n) => open.set(n),
    written(seconds) {
      written.inc();
      lag.observe(seconds);
    },
    retry: () => retries.inc(),
  };
}
