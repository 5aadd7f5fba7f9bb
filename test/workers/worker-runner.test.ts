import { describe, expect, test } from "bun:test";
import { UnavailableError } from "../../server/src/errors.ts";
import { deadLetterStream } from "../../server/src/journal/event-consumer.ts";
import { silentLogger } from "../../server/src/log.ts";
import { WorkerRunner, type WorkerDefinition } from "../../server/src/workers/index.ts";
import { uniqueName, waitFor } from "../harness/index.ts";
import { appendMany } from "../journal/journal-contract.ts";
import { JOURNALS, type DisposableJournal } from "../journal/journals.ts";

const fast = { blockMs: 50, retryDelayMs: 5, reclaimIdleMs: 60_000 };

function runner(journal: DisposableJournal, consumerName = "test-consumer") {
  const workers = new WorkerRunner({ journal, logger: silentLogger(), consumerName, maxRetryDelayMs: 20 });
  return Object.assign(workers, { [Symbol.asyncDispose]: () => workers.stop() });
}

function worker(stream: string, handle: WorkerDefinition["handle"], extra: Partial<WorkerDefinition> = {}): WorkerDefinition {
  return { name: `w-${stream}`, stream, group: "g", handle, consumer: fast, ...extra };
}

for (const [name, open] of JOURNALS) {
  describe(`WorkerRunner on ${name}`, () => {
    test("each worker handles its stream from the start, in order; stop resolves once it has returned", async () => {
      await using journal = await open();
      const [a, b] = [uniqueName("a"), uniqueName("b")];
      const idsA = (await appendMany(journal, a, 20)).map((r) => r.id);
      const seenA: string[] = [];
      const seenB: string[] = [];
      const workers = runner(journal);
      workers.start(worker(a, (id) => void seenA.push(id)), worker(b, (id) => void seenB.push(id)));
      expect(workers.workers).toEqual([`w-${a}`, `w-${b}`]);
      expect(() => workers.start(worker(a, () => {}))).toThrow("already running");
      const idsB = (await appendMany(journal, b, 5)).map((r) => r.id);
      await waitFor("both streams handled", () => seenA.length === 20 && seenB.length === 5);
      await workers.stop();
      expect(seenA).toEqual(idsA);
      expect(seenB).toEqual(idsB);
      expect((await journal.pending(a, "g")).count).toBe(0);
      expect(() => workers.start(worker(uniqueName("c"), () => {}))).toThrow("start after stop");
    });

    test("a dependency outage is retried in place for as long as it lasts: order kept, nothing dead-lettered", async () => {
      await using journal = await open();
      const stream = uniqueName("outage");
      const ids = (await appendMany(journal, stream, 10)).map((r) => r.id);
      let failuresLeft = 12; // far more than maxDeliveries
      const seen: string[] = [];
      await using workers = runner(journal);
      workers.start(
        worker(
          stream,
          (id) => {
            if (id === ids[3] && failuresLeft-- > 0) throw new UnavailableError("store: MongoDB is unavailable");
            seen.push(id);
          },
          { consumer: { ...fast, maxDeliveries: 2 } },
        ),
      );
      await waitFor("every entry handled", () => seen.length === 10);
      expect(failuresLeft).toBe(-1);
      expect(seen).toEqual(ids);
      expect(await journal.info(deadLetterStream(stream))).toBeNull();
      await waitFor("all acknowledged", async () => (await journal.pending(stream, "g")).count === 0);
    });

    test("any other failure follows the consumer's rules: retried, then dead-lettered, and the rest goes on", async () => {
      await using journal = await open();
      const stream = uniqueName("poison");
      const ids = (await appendMany(journal, stream, 5)).map((r) => r.id);
      const seen: string[] = [];
      await using workers = runner(journal);
      workers.start(
        worker(
          stream,
          (id) => {
            if (id === ids[1]) throw new Error("cannot handle this one");
            seen.push(id);
          },
          { consumer: { ...fast, maxDeliveries: 2 } },
        ),
      );
      await waitFor("the others handled", () => seen.length === 4);
      expect(seen).toEqual(ids.filter((_, i) => i !== 1));
      const [dead] = await journal.read(deadLetterStream(stream), { count: 10 });
      expect(dead!.data).toMatchObject({ original_id: ids[1], error: "cannot handle this one" });
    });

    test("init succeeds before the first entry is handled, retried until it does", async () => {
      await using journal = await open();
      const stream = uniqueName("init");
      await appendMany(journal, stream, 3);
      const log: string[] = [];
      let initFailures = 3;
      await using workers = runner(journal);
      workers.start(
        worker(stream, () => void log.push("handle"), {
          init: async () => {
            if (initFailures-- > 0) throw new UnavailableError("indexes: MongoDB is unavailable");
            log.push("init");
          },
        }),
      );
      await waitFor("entries handled", () => log.length === 4);
      expect(log).toEqual(["init", "handle", "handle", "handle"]);
    });

    test("stop interrupts a retry; the entry stays pending and is handled after the next start", async () => {
      await using journal = await open();
      const stream = uniqueName("stop");
      const [entry] = (await appendMany(journal, stream, 1)).map((r) => r.id);
      let attempts = 0;
      const first = runner(journal, "same-host");
      first.start(
        worker(stream, () => {
          attempts++;
          throw new UnavailableError("down");
        }),
      );
      await waitFor("a few attempts", () => attempts >= 3);
      await first.stop();
      const after = attempts;
      expect((await journal.pending(stream, "g")).count).toBe(1);

      const handled: string[] = [];
      await using second = runner(journal, "same-host");
      second.start(worker(stream, (id) => void handled.push(id)));
      await waitFor("the pending entry handled", () => handled.length === 1);
      expect(handled).toEqual([entry!]);
      expect(attempts).toBe(after);
    });

    test("each runner joins a group under a name of its own; a dead one's pending entries are claimed by idle time, never read as another's own", async () => {
      await using journal = await open();
      const stream = uniqueName("names");
      const ids = (await appendMany(journal, stream, 6)).map((r) => r.id);
      // The first runner takes the entries and "dies" on the fourth: it stays pending under its name.
      const firstSeen: string[] = [];
      const first = new WorkerRunner({ journal, logger: silentLogger(), maxRetryDelayMs: 20 });
      first.start(
        worker(stream, (id) => {
          if (id === ids[3]) return new Promise(() => {}); // never returns, as a killed process
          firstSeen.push(id);
        }),
      );
      await waitFor("the first three handled", () => firstSeen.length === 3);
      await first.stop();
      expect(await journal.pending(stream, "g")).toEqual({ count: 3, consumers: [{ name: first.consumer, pending: 3 }] });

      // Two live runners on the same host and process: their own names, so neither reads the dead one's entries as its own.
      const handled: string[] = [];
      const live = [0, 1].map(() => {
        const r = new WorkerRunner({ journal, logger: silentLogger(), maxRetryDelayMs: 20 });
        return Object.assign(r, { [Symbol.asyncDispose]: () => r.stop() });
      });
      await using second = live[0]!;
      await using third = live[1]!;
      for (const r of live) r.start(worker(stream, (id) => void handled.push(id), { consumer: { ...fast, reclaimIdleMs: 300 } }));
      await waitFor("the dead consumer's entries claimed by idle time and handled", () => handled.length === 3);
      expect(handled.toSorted()).toEqual(ids.slice(3));
      const names = [first.consumer, second.consumer, third.consumer];
      expect(new Set(names).size).toBe(3);
      for (const name of names) expect(name).toMatch(/^[^:]+:\d+:[0-9a-f]{8}$/);
      await waitFor("both live runners in the group", async () => (await journal.consumers(stream, "g")).length === 3);
      expect((await journal.consumers(stream, "g")).map((c) => c.name).toSorted()).toEqual(names.toSorted());
      expect((await journal.pending(stream, "g")).count).toBe(0);
    });

    test("consumers idle past the expiry with nothing pending are removed from the group; one holding entries is kept", async () => {
      await using journal = await open();
      const stream = uniqueName("expiry");
      const ids = (await appendMany(journal, stream, 3)).map((r) => r.id);
      await journal.createGroup(stream, "g", "0");
      // Two processes that died: one after acknowledging everything it read, one holding an entry.
      await journal.readGroup(stream, "g", "gone", { count: 1 });
      await journal.ack(stream, "g", [ids[0]!]);
      await journal.readGroup(stream, "g", "holding", { count: 1 });
      const handled: string[] = [];
      const workers = new WorkerRunner({ journal, logger: silentLogger(), maxRetryDelayMs: 20, consumerExpiryMs: 300 });
      await using _ = Object.assign(workers, { [Symbol.asyncDispose]: () => workers.stop() });
      workers.start(worker(stream, (id) => void handled.push(id)));
      await waitFor("the idle consumer with nothing pending removed", async () => !(await journal.consumers(stream, "g")).some((c) => c.name === "gone"), { timeoutMs: 10_000 });
      expect(handled).toEqual([ids[2]!]);
      const left = (await journal.consumers(stream, "g")).map((c) => c.name).toSorted();
      expect(left).toEqual(["holding", workers.consumer].toSorted());
      expect(await journal.pending(stream, "g")).toEqual({ count: 1, consumers: [{ name: "holding", pending: 1 }] });
    });
  });
}
