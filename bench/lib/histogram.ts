/**
 * A latency histogram in microseconds: exact below 1 ms, then buckets 1 %
 * wide up to about 100 s. Workers fill one each and send its counts; the
 * parent merges them, so percentiles cover every sample without shipping
 * millions of numbers between processes.
 */
const LINEAR = 1_000;
const GROWTH = Math.log(1.01);
const SIZE = LINEAR + Math.ceil(Math.log(1e8 / LINEAR) / GROWTH) + 1;

export class Histogram {
  readonly counts: Uint32Array;
  count = 0;
  max = 0;
  sum = 0;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(SIZE);
  }

  record(us: number): void {
    const v = us < 0 ? 0 : us;
    const i = v < LINEAR ? Math.floor(v) : Math.min(SIZE - 1, LINEAR + Math.floor(Math.log(v / LINEAR) / GROWTH));
    this.counts[i]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** What a worker sends back. */
  toJSON(): HistogramData {
    return { counts: this.counts, count: this.count, max: this.max, sum: this.sum };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram(new Uint32Array(data.counts));
    h.count = data.count;
    h.max = data.max;
    h.sum = data.sum;
    return h;
  }

  merge(other: Histogram | HistogramData): this {
    for (let i = 0; i < SIZE; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  /** The value below which `p` (0..1) of the samples fall, in µs (the bucket's upper edge, capped at the max). */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, i < LINEAR ? i + 1 : LINEAR * Math.exp((i - LINEAR + 1) * GROWTH));
    }
    return this.max;
  }

  /** p50, p99 and max in milliseconds. */
  summaryMs(): { p50_ms: number; p99_ms: number; max_ms: number } {
    return { p50_ms: ms(this.percentile(0.5)), p99_ms: ms(this.percentile(0.99)), max_ms: ms(this.max) };
  }
}

export interface HistogramData {
  counts: Uint32Array | number[];
  count: number;
  max: number;
  sum: number;
}

function ms(us: number): number {
  return Math.round(us) / 1000;
}
