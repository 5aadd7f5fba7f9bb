import { expect, test } from "bun:test";
import { Health } from "./health.ts";
import { Readiness } from "./readiness.ts";

test("readiness lists every reason not to take traffic: a dependency down, the spool past its threshold, a stalled worker, shutdown", async () => {
  const health = new Health({ journal: "redis", documents: "mongodb" }, "test");
  let up = true;
  health.register({ name: "redis", check: async () => (up ? { status: "up" } : { status: "down", error: "connection refused" }) });
  health.register({ name: "mongodb", check: async () => ({ status: "degraded" }) });
  let depth = 0;
  let stalled: string[] = [];
  const shutdown = new AbortController();
  const ready = new Readiness({ health, spoolDepth: () => depth, maxSpoolDepth: 100, stalledWorkers: () => stalled, shutdown: shutdown.signal });
  expect(await ready.report()).toMatchObject({ ready: true, reasons: [] });
  up = false;
  depth = 101;
  stalled = ["session-events"];
  shutdown.abort();
  expect((await ready.report()).reasons).toEqual([
    "shutting down",
    "redis is down: connection refused",
    "the spool holds 101 events, over 100 (READY_MAX_SPOOL_DEPTH)",
    "worker session-events is stalled",
  ]);
});
