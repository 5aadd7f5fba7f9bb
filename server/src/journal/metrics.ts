import { Gauge, type Registry } from "prom-client";
import { SeriesCounter, SeriesHistogram } from "../metrics/series.ts";
import { JOURNAL_STREAMS } from "@gamejournal/shared";
import type { AppendResult, Journal } from "./journal.ts";

const STREAM_LABELS: ReadonlySet<string> = new Set(JOURNAL_STREAMS);

/** The journal's Prometheus metrics; stream labels are the journal streams, anything else is `other`. */
export class JournalMetrics {
  /** The appended counter's series by label (a journal stream, or `other`), each made on first use. */
  private readonly appendedBy = new Map<string, { inc(amount: number): void }>();
  private readonly appended: SeriesCounter<"stream">;
  private readonly latency: { observe(seconds: number): void };
  /**
   * @param spoolDepth events waiting in the spool (Redis journal only)
   * @param groupStreams streams whose consumer groups are reported
   */
  constructor(
    registry: Registry,
    journal: Journal,
    { spoolDepth = () => 0, groupStreams = () => JOURNAL_STREAMS }: { spoolDepth?: () => number; groupStreams?: () => readonly string[] } = {},
  ) {
    this.appended = new SeriesCounter({
      name: "gamejournal_journal_events_appended_total",
      help: "Events appended to the journal, by stream (duplicates of an idempotency key not counted)",
      labelNames: ["stream"],
      registry,
    });
    this.latency = new SeriesHistogram({
      name: "gamejournal_journal_append_duration_seconds",
      help: "Time to append one call's events (one round trip to Redis, or one SQLite transaction)",
      labelNames: [],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registry,
    }).series({});
    new Gauge({
      name: "gamejournal_journal_spool_depth",
      help: "Events accepted while Redis was unreachable, waiting in the local spool",
      registers: [registry],
      collect() {
        this.set(spoolDepth());
      },
    });
    new Gauge({
      name: "gamejournal_journal_group_pending",
      help: "Entries delivered to a consumer group and not yet acknowledged",
      labelNames: ["stream", "group"],
      registers: [registry],
      async collect() {
        await collectGroups(this, "pending");
      },
    });
    new Gauge({
      name: "gamejournal_journal_group_lag",
      help: "Entries not yet delivered to a consumer group",
      labelNames: ["stream", "group"],
      registers: [registry],
      async collect() {
        await collectGroups(this, "lag");
      },
    });
    async function collectGroups(gauge: Gauge<"stream" | "group">, field: "pending" | "lag") {
      gauge.reset();
      for (const stream of groupStreams()) {
        const info = await journal.info(stream).catch(() => null);
        for (const group of info?.groups ?? []) {
          const value = group[field];
          if (value !== null) gauge.set({ stream, group: group.name }, value);
        }
      }
    }
  }

  observeAppend(results: readonly AppendResult[], seconds: number): void {
    this.latency.observe(seconds);
    for (const r of results) {
      if (r.duplicate) continue;
      const label = STREAM_LABELS.has(r.stream) ? r.stream : "other";
      let series = this.appendedBy.get(label);
      if (!series) this.appendedBy.set(label, (series = this.appended.series({ stream: label })));
      series.inc(1);
    }
  }
}
