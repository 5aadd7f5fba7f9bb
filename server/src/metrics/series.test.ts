import { describe, expect, test } from "bun:test";
import { Counter, Histogram, Registry } from "prom-client";
import { SeriesCounter, SeriesHistogram } from "./series.ts";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED = [0, 0.0005, 0.001, 0.002, 0.05, 0.1, 0.5, 3, 7.25];

describe("hot-path metric series", () => {
  test("a registry scraped writes the same text for them as for prom-client's counter and histogram", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const counter = new SeriesCounter({ name: "t_requests_total", help: "requests", labelNames: ["route", "status"], registry: ours });
    const histogram = new SeriesHistogram({ name: "t_duration_seconds", help: "durations", labelNames: ["route"], buckets: BUCKETS, registry: ours });
    const plain = new SeriesHistogram({ name: "t_plain_seconds", help: "no labels", labelNames: [], buckets: BUCKETS, registry: ours });
    const refCounter = new Counter({ name: "t_requests_total", help: "requests", labelNames: ["route", "status"], registers: [theirs] });
    const refHistogram = new Histogram({ name: "t_duration_seconds", help: "durations", labelNames: ["route"], buckets: BUCKETS, registers: [theirs] });
    const refPlain = new Histogram({ name: "t_plain_seconds", help: "no labels", buckets: BUCKETS, registers: [theirs] });
    for (const route of ["/a", "/b \"quoted\""]) {
      const series = counter.series({ route, status: "200" });
      const timed = histogram.series({ route });
      for (const [i, value] of OBSERVED.entries()) {
        series.inc(i);
        refCounter.inc({ route, status: "200" }, i);
        timed.observe(value);
        refHistogram.observe({ route }, value);
      }
    }
    counter.series({ route: "/a", status: "500" }).inc();
    refCounter.inc({ route: "/a", status: "500" });
    for (const value of OBSERVED) {
      plain.series({}).observe(value);
      refPlain.observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test("a series is made once per label set, and bad labels or amounts are refused", () => {
    const registry = new Registry();
    const counter = new SeriesCounter({ name: "t_total", help: "h", labelNames: ["a"], registry });
    counter.series({ a: "x" }).inc(2);
    counter.series({ a: "x" }).inc();
    expect(() => counter.series({ a: "x", b: "y" } as never)).toThrow(/unknown label b/);
    expect(() => counter.series({} as never)).toThrow(/label a missing/);
    expect(() => counter.series({ a: "x" }).inc(-1)).toThrow(/cannot add -1/);
    expect(() => counter.series({ a: "x" }).inc(Number.NaN)).toThrow(/cannot add NaN/);
    const histogram = new SeriesHistogram({ name: "t_seconds", help: "h", labelNames: [], buckets: BUCKETS, registry });
    expect(() => histogram.series({}).observe(Number.POSITIVE_INFINITY)).toThrow(/cannot observe Infinity/);
    return counter.get().then((exported) => expect(exported.values).toEqual([{ metricName: "t_total", labels: { a: "x" }, value: 3 }]));
  });
});
