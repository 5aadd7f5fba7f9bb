import { describe, expect, test } from "bun:test";
import { deadLetterStream, EventConsumer } from "../../server/src/journal/event-consumer.ts";
import { uniqueName } from "../harness/index.ts";
import { appendMany } from "./journal-contract.ts";
import { JOURNALS } from "./journals.ts";

for (const [name, open] of JOURNALS) {
  describe(`EventConsumer on ${name}`, () => {
    test("handles entries in order and acks each after its handler succeeds", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 25)).map((r) => r.id);
      const consumer = new EventConsumer(journal, "g", "c1", { blockMs: 10 });
      const seen: string[] = [];
      while (seen.length < 25) await consumer.consume(stream, 10, (id) => void seen.push(id));
      expect(seen).toEqual(ids);
      expect((await journal.pending(stream, "g")).count).toBe(0);
    });

    test("a consumer that crashed mid-batch has its entries reclaimed and each processed", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 10)).map((r) => r.id);
      // The crashed consumer handled and acked 4 of its batch of 10, then died.
      const crashed = new EventConsumer(journal, "g", "crashed", { blockMs: 10 });
      const handledBeforeCrash: string[] = [];
      await crashed.consume(stream, 10, (id) => {
        if (handledBeforeCrash.length === 4) throw new Error("process killed");
        handledBeforeCrash.push(id);
      });
      expect((await journal.pending(stream, "g")).consumers).toEqual([{ name: "crashed", pending: 6 }]);

      const rescuer = new EventConsumer(journal, "g", "rescuer", { blockMs: 10, reclaimIdleMs: 0 });
      const rescued: string[] = [];
      while (rescued.length < 6) await rescuer.consume(stream, 10, (id) => void rescued.push(id));
      expect([...handledBeforeCrash, ...rescued]).toEqual(ids);
      expect((await journal.pending(stream, "g")).count).toBe(0);
    });

    test("a restarted consumer with the same name handles its own pending entries first", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 5)).map((r) => r.id);
      await journal.createGroup(stream, "g", "0");
      await journal.readGroup(stream, "g", "worker-1", { count: 3 }); // delivered, then the process died
      const restarted = new EventConsumer(journal, "g", "worker-1", { blockMs: 10 });
      const seen: string[] = [];
      while (seen.length < 5) await restarted.consume(stream, 10, (id) => void seen.push(id));
      expect(seen).toEqual(ids);
    });

    test("once its lease may have passed on, a consumer reads nothing new and hands nothing it read to its handler", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 12)).map((r) => r.id);
      let left = Infinity;
      let pauseOnRead = false;
      // A pause that lands while a read is under way: the read returns after the lease ran out.
      const pausing = new Proxy(journal, {
        get(target, property, receiver) {
          if (property !== "readGroup") return Reflect.get(target, property, receiver);
          return async (...args: Parameters<typeof journal.readGroup>) => {
            const read = await target.readGroup(...args);
            if (pauseOnRead) left = 0;
            return read;
          };
        },
      });
      const paused = new EventConsumer(pausing, "g", "worker", { blockMs: 10, leaseLeft: () => left });
      const seen: string[] = [];
      await paused.consume(stream, 4, (id) => void seen.push(id));
      expect(seen).toEqual(ids.slice(0, 4));
      pauseOnRead = true;
      await paused.consume(stream, 4, (id) => void seen.push(id));
      expect(seen).toHaveLength(4); // read, but not handled: pending under its name
      expect((await journal.pending(stream, "g")).count).toBe(4);
      await paused.consume(stream, 4, (id) => void seen.push(id));
      expect((await journal.pending(stream, "g")).count).toBe(4); // and nothing more read
      // The lease's next holder, under the same name, takes up where it stopped, in order.
      const next = new EventConsumer(journal, "g", "worker", { blockMs: 10 });
      while (seen.length < 12) await next.consume(stream, 4, (id) => void seen.push(id));
      expect(seen).toEqual(ids);
    });

    test("no blocking read outlasts the consumer's lease", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      await journal.createGroup(stream, "g", "0");
      const consumer = new EventConsumer(journal, "g", "worker", { blockMs: 5_000, leaseLeft: () => 150 });
      const started = performance.now();
      await consumer.consume(stream, 4, () => {});
      expect(performance.now() - started).toBeLessThan(3_000);
    });

    test("a failing entry is retried with backoff, holding later entries back, until it succeeds", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 3)).map((r) => r.id);
      const consumer = new EventConsumer(journal, "g", "c", { blockMs: 10, retryDelayMs: 5, maxDeliveries: 10 });
      let failuresLeft = 3;
      const seen: string[] = [];
      while (seen.length < 3) {
        await consumer.consume(stream, 10, (id) => {
          if (id === ids[1] && failuresLeft-- > 0) throw new Error("mongodb unavailable");
          seen.push(id);
        });
      }
      expect(seen).toEqual(ids);
      expect((await journal.pending(stream, "g")).count).toBe(0);
      expect(await journal.read(deadLetterStream(stream), { count: 10 })).toEqual([]);
    });

    test("an entry that keeps failing goes to the dead-letter stream with its error, and the group moves on", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 3)).map((r) => r.id);
      const consumer = new EventConsumer(journal, "g", "c", { blockMs: 10, retryDelayMs: 1, maxDeliveries: 3 });
      const seen: string[] = [];
      for (let round = 0; round < 50 && seen.length < 2; round++) {
        await consumer.consume(stream, 10, (id) => {
          if (id === ids[0]) throw new Error("poison event");
          seen.push(id);
        });
      }
      expect(seen).toEqual([ids[1]!, ids[2]!]);
      const dead = await journal.read(deadLetterStream(stream), { count: 10 });
      expect(dead).toHaveLength(1);
      expect(dead[0]!.data).toMatchObject({ stream, group: "g", original_id: ids[0], deliveries: 4, error: "poison event", event: { user_id: "u0" } });
      expect((await journal.pending(stream, "g")).count).toBe(0);
    });

    test("a batch handler gets each read at once, and its entries are acknowledged together", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 25)).map((r) => r.id);
      const consumer = new EventConsumer(journal, "g", "c", { blockMs: 10 });
      const batches: string[][] = [];
      while (batches.flat().length < 25) await consumer.consume(stream, 10, { batch: (entries) => void batches.push(entries.map((e) => e.id)) });
      expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
      expect(batches.flat()).toEqual(ids);
      expect((await journal.pending(stream, "g")).count).toBe(0);
    });

    test("a poison entry in a batch is isolated: the others are handled, it alone is dead-lettered", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 6)).map((r) => r.id);
      const consumer = new EventConsumer(journal, "g", "c", { blockMs: 10, retryDelayMs: 1, maxDeliveries: 3 });
      const handled: string[] = [];
      for (let round = 0; round < 60 && handled.length < 5; round++) {
        await consumer.consume(stream, 10, {
          batch: (entries) => {
            if (entries.some((e) => e.id === ids[2])) throw new Error("poison in the batch");
            handled.push(...entries.map((e) => e.id));
          },
        });
      }
      expect(handled).toEqual(ids.filter((id) => id !== ids[2]));
      const dead = await journal.read(deadLetterStream(stream), { count: 10 });
      expect(dead.map((e) => (e.data as { original_id: string }).original_id)).toEqual([ids[2]!]);
      expect((await journal.pending(stream, "g")).count).toBe(0);
    });
  });
}
