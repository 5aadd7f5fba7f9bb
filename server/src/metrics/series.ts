import type { Registry } from "prom-client";

/**
 * Counters and histograms for hot paths, exported through a prom-client
 * registry. prom-client validates and hashes a series' labels on every
 * `inc` and `observe`, even through `labels()`: with three series a request
 * that was a tenth of a small request's CPU (REST single events, dev
 * harness). Here a caller looks a series up once (`series(labels)`) and
 * keeps it; updating it is plain arithmetic, and the registry reads every
 * series when scraped, in Prometheus' text format like any prom-client metric
 * (`registerMetric` takes any object with `get`).
 *
 * Guarantees: a scrape sees every update made before it; counters never go
 * down (`inc` refuses a negative or non-finite amount); a histogram's
 * buckets are cumulative, with `+Inf` equal to its `_count`, as Prometheus
 * expects. Label values are exported as given; keep label sets small (route
 * patterns, never raw paths).
 */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

interface Exported {
  name: string;
  help: string;
  type: "counter" | "histogram";
  values: Sample[];
  aggregator: "sum";
}

abstract class SeriesMetric<L extends string, S> {
  protected readonly all = new Map<string, { labels: Record<L, string>; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of `labels` (every label name, no other), made once and kept. */
  protected find(labels: Record<L, string>, make: () => S): S {
    for (const name in labels) if (!this.labelNames.includes(name as L)) throw new Error(`metric ${this.name}: unknown label ${name}`);
    for (const name of this.labelNames) if (typeof labels[name] !== "string") throw new Error(`metric ${this.name}: label ${name} missing`);
    const key = this.labelNames.map((name) => labels[name]).join("\u0000");
    let found = this.all.get(key);
    if (!found) {
      found = { labels: { ...labels }, state: make() };
      this.all.set(key, found);
    }
    return found.state;
  }

  reset(): void {
    this.all.clear();
  }

  abstract get(): Promise<Exported>;
}

export class SeriesCounter<L extends string> extends SeriesMetric<L, { value: number }> {
  constructor(opts: { name: string; help: string; labelNames: readonly L[]; registry: Registry }) {
    super(opts.name, opts.help, opts.labelNames, opts.registry);
  }

  readonly type = "counter";

  series(labels: Record<L, string>): { inc(amount?: number): void } {
    const state = this.find(labels, () => ({ value: 0 }));
    return {
      inc: (amount = 1) => {
        if (!(amount >= 0) || amount === Infinity) throw new Error(`metric ${this.name}: cannot add ${amount}`);
        state.value += amount;
      },
    };
  }

  async get(): Promise<Exported> {
    const values = [...this.all.values()].map(({ labels, state }) => ({ metricName: this.name, labels, value: state.value }));
    return { name: this.name, help: this.help, type: "counter", values, aggregator: "sum" };
  }
}

export class SeriesHistogram<L extends string> extends SeriesMetric<L, { buckets: number[]; sum: number; count: number }> {
  private readonly bounds: readonly number[];

  constructor(opts: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registry: Registry }) {
    super(opts.name, opts.help, opts.labelNames, opts.registry);
    this.bounds = [...opts.buckets].sort((a, b) => a - b);
  }

  readonly type = "histogram";

  series(labels: Record<L, string>): { observe(value: number): void } {
    const state = this.find(labels, () => ({ buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 }));
    const bounds = this.bounds;
    return {
      observe: (value) => {
        if (!Number.isFinite(value)) throw new Error(`metric ${this.name}: cannot observe ${value}`);
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        if (i < bounds.length) state.buckets[i]!++;
        state.sum += value;
        state.count++;
      },
    };
  }

  async get(): Promise<Exported> {
    const values: Sample[] = [];
    for (const { labels, state } of this.all.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += state.buckets[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", ...labels }, value: state.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: state.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: state.count });
    }
    return { name: this.name, help: this.help, type: "histogram", values, aggregator: "sum" };
  }
}
