import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { openSqlite } from "../../server/src/backends/index.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { frameWrite } from "../../server/src/sessions/ingest.ts";
import type { SessionEventStore } from "../../server/src/sessions/session-event-store.ts";
import { sessionEventsWorker } from "../../server/src/sessions/session-events-worker.ts";
import { WorkerRunner } from "../../server/src/workers/index.ts";
import { waitFor } from "../harness/index.ts";
import { captureLogger } from "../lobby/capture-logger.ts";
import { agentFrame, newSession } from "../sessions/ingest-fixtures.ts";
import { openMongoStore, openSqliteStore } from "../sessions/stores.ts";

/** A real store whose first `store` call never settles, as a MongoDB call on a socket whose server froze. */
function stallingOnce(store: SessionEventStore): SessionEventStore & { stalls: number } {
  const wrapped = Object.create(store) as SessionEventStore & { stalls: number };
  wrapped.stalls = 0;
  wrapped.store = (events) => {
    if (wrapped.stalls++ === 0) return new Promise(() => {});
    return store.store(events);
  };
  return wrapped;
}

for (const [name, open] of [["sqlite", openSqliteStore], ["mongodb", openMongoStore]] as const) {
  describe(`the worker watchdog, session events stored in ${name}`, () => {
    test("a worker stalled mid-batch is detected, reported and restarted in process, and stores everything", async () => {
      await using fixture = await open();
      const db = openSqlite(":memory:");
      const journal = new SqliteJournal(db);
      const store = stallingOnce(fixture.store);
      const { logger, lines } = captureLogger();
      const registry = new Registry();
      const runner = new WorkerRunner({ journal, logger, consumerName: "watchdog-test", stallMs: 400, registry });
      try {
        const session = newSession();
        const now = Date.now();
        await journal.append(Array.from({ length: 5 }, (_, i) => frameWrite(agentFrame(session, i) as never, { userId: "u", node: "n" }, now)));
        runner.start({ ...sessionEventsWorker({ store, clock: systemClock, logger }), consumer: { blockMs: 100 } });

        await waitFor("the watchdog reporting the stalled worker", () => lines.some((l) => l.level === "error" && l.msg.includes("worker stalled") && l.step === "handler"), { timeoutMs: 10_000 });
        expect(await registry.getSingleMetricAsString("gamejournal_worker_stalls_total")).toContain('worker="session-events"} 1');

        await waitFor("all five frames stored by the restarted worker", async () => (await fixture.store.countByLobbySession(session)) === 5, { timeoutMs: 20_000 });
        await waitFor("the worker no longer reported stalled", () => runner.stalled().length === 0);
        expect(await registry.getSingleMetricAsString("gamejournal_worker_stalled")).toContain('worker="session-events"} 0');
        await waitFor("nothing left pending", async () => (await journal.pending("events:rtapi", "session-events")).count === 0);
        expect(store.stalls).toBeGreaterThanOrEqual(2);
      } finally {
        // Returns although the first store call never settles.
        await runner.stop();
        await journal.close();
        db.close();
      }
    });
  });
}
