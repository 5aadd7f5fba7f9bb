import { describe, expect, test } from "bun:test";
import { SlowConsumerError } from "../../server/src/errors.ts";
import { compareIds } from "../../server/src/journal/ids.ts";
import type { Journal, JournalEntry, JournalEvent } from "../../server/src/journal/journal.ts";
import { slotOf } from "../../server/src/backends/redis-nodes.ts";
import { uniqueName, waitFor } from "../harness/index.ts";

/**
 * `count` stream names under `prefix`, each in another third of the 16,384
 * hash slots in turn: on a three-master cluster (each master serves one
 * third), consecutive names live on different masters, so cross-node paths
 * are taken for certain rather than by chance. Plain names elsewhere.
 */
export function spreadStreams(prefix: string, count: number): string[] {
  const names: string[] = [];
  for (let n = 0; names.length < count; n++) {
    const name = `${prefix}:{${n}}`;
    if (Math.floor(slotOf(name) / 5462) === names.length % 3) names.push(name);
  }
  return names;
}

/** A journal for one test, released with `await using`. */
export type JournalFactory = () => Promise<Journal & AsyncDisposable>;

export function event(n: number, extra: Partial<JournalEvent> = {}): JournalEvent {
  return { type: "goal_scored", user_id: `u${n}`, session_id: "s1", match_id: "m1", ts: 1_700_000_000_000 + n, data: { n, nested: { ok: true } }, ...extra };
}

/** Appends `count` events (numbered from `from`); these journals are never spooled, so every id is set. */
export async function appendMany(journal: Journal, stream: string, count: number, from = 0) {
  const results = await journal.append(Array.from({ length: count }, (_, i) => ({ stream, event: event(from + i) })));
  return results.map((r) => ({ ...r, id: r.id! }));
}

async function collect(iterable: AsyncIterable<JournalEntry[]>, until: (all: JournalEntry[]) => boolean): Promise<JournalEntry[]> {
  const all: JournalEntry[] = [];
  for await (const batch of iterable) {
    all.push(...batch);
    if (until(all)) break;
  }
  return all;
}

function expectStrictlyIncreasing(ids: string[]) {
  for (let i = 1; i < ids.length; i++) expect(compareIds(ids[i - 1]!, ids[i]!)).toBeLessThan(0);
}

/**
 * The journal contract: every adapter passes exactly these tests against a
 * real backend (see journal.test.ts).
 */
export function journalContract(name: string, open: JournalFactory) {
  describe(`journal contract: ${name}`, () => {
    test("appends return <ms>-<seq> ids that strictly increase, and reads give the events back in order", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const results = await appendMany(journal, stream, 250);
      const ids = results.map((r) => r.id!);
      for (const id of ids) expect(id).toMatch(/^\d+-\d+$/);
      expectStrictlyIncreasing(ids);
      expect(results.every((r) => !r.duplicate && r.stream === stream)).toBe(true);
      const more = await journal.append([{ stream, event: event(250, { lobby_id: "l1", mode: 0x16, data: ["x", 1, null] }) }]);
      expect(compareIds(more[0]!.id!, ids[ids.length - 1]!)).toBeGreaterThan(0);

      const read = await journal.read(stream, { count: 1_000 });
      expect(read.map((e) => e.id)).toEqual([...ids, more[0]!.id!]);
      expect(read[0]).toEqual({ id: ids[0]!, ...event(0) });
      expect(read[250]).toMatchObject({ lobby_id: "l1", mode: 22, data: ["x", 1, null] });
    });

    test("an idempotency key already accepted returns the first id and adds nothing", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const [first] = await journal.append([{ stream, event: event(1, { key: "k-1" }) }]);
      const again = await journal.append([
        { stream, event: event(2, { key: "k-1" }) },
        { stream, event: event(3, { key: "k-2" }) },
        { stream, event: event(4, { key: "k-2" }) },
      ]);
      expect(first!.duplicate).toBe(false);
      expect(again[0]).toEqual({ stream, id: first!.id, duplicate: true });
      expect(again[1]!.duplicate).toBe(false);
      expect(again[2]).toEqual({ stream, id: again[1]!.id, duplicate: true });
      const read = await journal.read(stream, { count: 10 });
      expect(read.map((e) => e.user_id)).toEqual(["u1", "u3"]);
      // Keys are per stream.
      const other = await journal.append([{ stream: `${stream}:other`, event: event(5, { key: "k-1" }) }]);
      expect(other[0]!.duplicate).toBe(false);
    });

    test("appends to several streams in one call keep each stream's order", async () => {
      await using journal = await open();
      const a = uniqueName("a");
      const b = uniqueName("b");
      const results = await journal.append([
        { stream: a, event: event(1) },
        { stream: b, event: event(2) },
        { stream: a, event: event(3) },
      ]);
      expect(results.map((r) => r.stream)).toEqual([a, b, a]);
      expect(compareIds(results[0]!.id!, results[2]!.id!)).toBeLessThan(0);
      expect((await journal.read(a, { count: 10 })).map((e) => e.user_id)).toEqual(["u1", "u3"]);
      expect((await journal.read(b, { count: 10 })).map((e) => e.user_id)).toEqual(["u2"]);
    });

    test("one call appending to streams on every node keeps each stream's order and answers in the order of its writes", async () => {
      await using journal = await open();
      const streams = spreadStreams(uniqueName("spread"), 6);
      const writes = [...streams, ...streams].map((stream, i) => ({ stream, event: event(i) }));
      const results = await journal.append(writes);
      expect(results.map((r) => r.stream)).toEqual(writes.map((w) => w.stream));
      for (const [i, stream] of streams.entries()) {
        expect((await journal.read(stream, { count: 10 })).map((e) => e.user_id)).toEqual([`u${i}`, `u${i + 6}`]);
        expect(compareIds(results[i]!.id!, results[i + 6]!.id!)).toBeLessThan(0);
      }
    });

    test("large data (a frame's) is stored whole, also when several writes and concurrent calls carry the same text", async () => {
      await using journal = await open();
      const [a, b] = [uniqueName("large-a"), uniqueName("large-b")];
      const big = { text: 'quotes " and \\ backslashes, ünïcödé, 🎮 '.repeat(40), list: Array.from({ length: 50 }, (_, i) => i) };
      const other = { ...big, list: [1] };
      const dataJson = JSON.stringify(big);
      const calls = await Promise.all([
        journal.append([
          { stream: a, event: event(1, { data: big }), dataJson },
          { stream: b, event: event(2, { data: big }), dataJson },
          { stream: a, event: event(3) },
        ]),
        journal.append([{ stream: b, event: event(4, { data: other }) }]),
        journal.append([{ stream: a, event: event(5, { data: big }) }]),
      ]);
      expect(calls.flat().every((r) => r.id && !r.duplicate)).toBe(true);
      const byUser = (x: JournalEntry, y: JournalEntry) => x.user_id!.localeCompare(y.user_id!);
      const readA = (await journal.read(a, { count: 10 })).sort(byUser);
      const readB = (await journal.read(b, { count: 10 })).sort(byUser);
      expect(readA.map((e) => [e.user_id, e.data])).toEqual([
        ["u1", big],
        ["u3", event(3).data],
        ["u5", big],
      ]);
      expect(readB.map((e) => [e.user_id, e.data])).toEqual([
        ["u2", big],
        ["u4", other],
      ]);
    });

    test("reads a range by inclusive from, exclusive after, inclusive to, and count", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 10)).map((r) => r.id);
      expect((await journal.read(stream, { from: ids[3], count: 2 })).map((e) => e.id)).toEqual([ids[3]!, ids[4]!]);
      expect((await journal.read(stream, { after: ids[3], count: 2 })).map((e) => e.id)).toEqual([ids[4]!, ids[5]!]);
      expect((await journal.read(stream, { from: ids[7], to: ids[8], count: 10 })).map((e) => e.id)).toEqual([ids[7]!, ids[8]!]);
      expect((await journal.read(stream, { after: ids[9], count: 10 }))).toEqual([]);
      expect(await journal.read(uniqueName("missing"), { count: 10 })).toEqual([]);
    });

    test("raw reads give each entry as the JSON of what read returns", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      await appendMany(journal, stream, 5);
      await journal.append([
        { stream, event: { type: "telemetry", lobby_id: 'lobby "quoted" \\ /', ts: 7, data: { nested: [1, 2.5, "x", null, true], big: 1e21 }, mode: 0x16, key: "k" } },
        { stream, event: { type: "nothing", ts: 8, data: null } },
      ]);
      const entries = await journal.read(stream, { count: 100 });
      const raw = await journal.readRaw(stream, { count: 100 });
      expect(raw.map((r) => r.id)).toEqual(entries.map((e) => e.id));
      expect(raw.map((r) => JSON.parse(r.json))).toEqual(entries);
      const after = await journal.readRaw(stream, { after: entries[2]!.id, count: 2 });
      expect(after.map((r) => r.id)).toEqual([entries[3]!.id, entries[4]!.id]);
    });

    test("tails the backlog and then live appends, without gaps or duplicates", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const before = (await appendMany(journal, stream, 1_500)).map((r) => r.id);
      const abort = new AbortController();
      const tailing = collect(journal.tail(stream, "0-0", { signal: abort.signal, pageSize: 400 }), (all) => all.length >= 3_000);
      // Appends while the tail reads its backlog and after it went live.
      const during: string[] = [];
      for (let i = 0; i < 15; i++) {
        during.push(...(await appendMany(journal, stream, 100, 1_500 + i * 100)).map((r) => r.id));
        await Bun.sleep(1);
      }
      const received = await tailing;
      abort.abort();
      expect(received.map((e) => e.id)).toEqual([...before, ...during]);
    });

    test("tails from the middle, and stops when its signal aborts", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 20)).map((r) => r.id);
      const abort = new AbortController();
      const seen: string[] = [];
      const done = (async () => {
        for await (const batch of journal.tail(stream, ids[9]!, { signal: abort.signal })) seen.push(...batch.map((e) => e.id));
      })();
      await waitFor("the backlog after the 10th entry", () => seen.length === 10);
      const [live] = await appendMany(journal, stream, 1, 20);
      await waitFor("the live entry", () => seen.length === 11);
      abort.abort();
      await done;
      expect(seen).toEqual([...ids.slice(10), live!.id]);
    });

    test("tails streams on every node at once, each live and in order", async () => {
      await using journal = await open();
      const streams = spreadStreams(uniqueName("lobbies"), 6);
      const abort = new AbortController();
      const seen = new Map<string, string[]>(streams.map((s) => [s, []]));
      const tails = streams.map(async (stream) => {
        for await (const batch of journal.tail(stream, "0-0", { signal: abort.signal })) seen.get(stream)!.push(...batch.map((e) => e.id));
      });
      const expected = new Map<string, string[]>(streams.map((s) => [s, []]));
      for (let round = 0; round < 5; round++) {
        for (const stream of streams) expected.get(stream)!.push(...(await appendMany(journal, stream, 3, round * 3)).map((r) => r.id));
      }
      await waitFor("every stream's entries", () => streams.every((s) => seen.get(s)!.length === 15));
      abort.abort();
      await Promise.all(tails);
      for (const stream of streams) expect(seen.get(stream)).toEqual(expected.get(stream)!);
    });

    test("a tail that is not read fails as a slow consumer once its buffer is full, and others are unaffected", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const abort = new AbortController();
      const slow = journal.tail(stream, "0-0", { signal: abort.signal, maxBuffered: 50 })[Symbol.asyncIterator]();
      const fast: string[] = [];
      const fastDone = (async () => {
        for await (const batch of journal.tail(stream, "0-0", { signal: abort.signal })) fast.push(...batch.map((e) => e.id));
      })();
      // Let the slow reader go live (its first pull), then never pull again.
      const firstPull = slow.next();
      await appendMany(journal, stream, 1);
      await firstPull;
      for (let i = 0; i < 10; i++) await appendMany(journal, stream, 20, 1 + i * 20);
      await waitFor("the fast reader to get everything", () => fast.length === 201);
      await expect(slow.next()).rejects.toBeInstanceOf(SlowConsumerError);
      abort.abort();
      await fastDone;
    });

    test("trims by length and by id, and info reports length, first, last and the highest trimmed id", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 20)).map((r) => r.id);
      expect(await journal.trim(stream, { maxLen: 15 })).toBe(5);
      let info = (await journal.info(stream))!;
      expect(info).toMatchObject({ stream, length: 15, first_id: ids[5], last_id: ids[19], max_deleted_id: ids[4], entries_added: 20 });
      expect(await journal.trim(stream, { minId: ids[10]! })).toBe(5);
      info = (await journal.info(stream))!;
      expect(info).toMatchObject({ length: 10, first_id: ids[10], max_deleted_id: ids[9] });
      expect(await journal.info(uniqueName("missing"))).toBeNull();
    });

    test("trims by age: entries appended longer ago than maxAgeMs go", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const old = (await appendMany(journal, stream, 5)).map((r) => r.id);
      await Bun.sleep(400); // the age difference is what is trimmed by
      const fresh = (await appendMany(journal, stream, 5, 5)).map((r) => r.id);
      expect(await journal.trim(stream, { maxAgeMs: 200 })).toBe(5);
      expect((await journal.read(stream, { count: 100 })).map((e) => e.id)).toEqual(fresh);
      expect((await journal.info(stream))!.max_deleted_id).toBe(old[4]!);
    });

    test("an append with a cap keeps the newest entries and records what it trimmed", async () => {
      await using journal = await open();
      const stream = uniqueName("lobby");
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push((await journal.append([{ stream, event: event(i), maxLen: 10 }]))[0]!.id!);
      const info = (await journal.info(stream))!;
      expect(info.length).toBe(10);
      expect(info.first_id).toBe(ids[20]!);
      expect(info.max_deleted_id).toBe(ids[19]!);
    });

    test("removes single entries by id, skipping unknown ones, and counts the highest as trimmed", async () => {
      await using journal = await open();
      const stream = uniqueName("events");
      const ids = (await appendMany(journal, stream, 4)).map((r) => r.id);
      expect(await journal.remove(stream, [ids[1]!, ids[2]!, "1-1"])).toBe(2);
      expect(await journal.remove(stream, [ids[1]!])).toBe(0);
      expect(await journal.remove(uniqueName("no-such-stream"), [ids[0]!])).toBe(0);
      expect((await journal.read(stream, { count: 10 })).map((e) => e.id)).toEqual([ids[0]!, ids[3]!]);
      const info = (await journal.info(stream))!;
      expect(info).toMatchObject({ length: 2, first_id: ids[0], last_id: ids[3], max_deleted_id: ids[2], entries_added: 4 });
    });

    test("lists streams, optionally by pattern", async () => {
      await using journal = await open();
      const prefix = uniqueName("list");
      await appendMany(journal, `${prefix}:a`, 1);
      await appendMany(journal, `${prefix}:b`, 1);
      expect(await journal.streams(`${prefix}:*`)).toEqual([`${prefix}:a`, `${prefix}:b`]);
      expect(await journal.streams()).toContain(`${prefix}:a`);
    });

    test("lists streams wherever they are stored (every node of a cluster)", async () => {
      await using journal = await open();
      const streams = spreadStreams(uniqueName("everywhere"), 6);
      for (const stream of streams) await appendMany(journal, stream, 1);
      expect(await journal.streams(`${streams[0]!.split(":")[0]}:*`)).toEqual([...streams].sort());
    });

    describe("consumer groups", () => {
      test("a group delivers each entry to one consumer; acked entries leave the pending list", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        expect(await journal.createGroup(stream, "g", "0")).toBe(true);
        expect(await journal.createGroup(stream, "g", "0")).toBe(false);
        const ids = (await appendMany(journal, stream, 10)).map((r) => r.id);
        const a = await journal.readGroup(stream, "g", "a", { count: 6 });
        const b = await journal.readGroup(stream, "g", "b", { count: 6 });
        expect(a.map((e) => e.id)).toEqual(ids.slice(0, 6));
        expect(b.map((e) => e.id)).toEqual(ids.slice(6));
        expect(a.every((e) => e.deliveries === 1)).toBe(true);
        expect(a[0]).toMatchObject({ ...event(0), id: ids[0] });
        expect(await journal.pending(stream, "g")).toEqual({ count: 10, consumers: [{ name: "a", pending: 6 }, { name: "b", pending: 4 }] });
        expect(await journal.ack(stream, "g", ids.slice(0, 6))).toBe(6);
        expect(await journal.ack(stream, "g", ids.slice(0, 6))).toBe(0);
        expect(await journal.pending(stream, "g")).toEqual({ count: 4, consumers: [{ name: "b", pending: 4 }] });
        expect(await journal.readGroup(stream, "g", "a", { count: 5 })).toEqual([]);
      });

      test("a group created at $ sees only later entries; info reports pending and lag", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await appendMany(journal, stream, 3);
        await journal.createGroup(stream, "late", "$");
        await journal.createGroup(stream, "all", "0");
        const later = (await appendMany(journal, stream, 4, 3)).map((r) => r.id);
        expect((await journal.readGroup(stream, "late", "c", { count: 10 })).map((e) => e.id)).toEqual(later);
        await journal.readGroup(stream, "all", "c", { count: 2 });
        const info = (await journal.info(stream))!;
        expect(info.groups).toEqual([
          { name: "all", pending: 2, lag: 5, consumers: 1, last_delivered_id: info.groups[0]!.last_delivered_id },
          { name: "late", pending: 4, lag: 0, consumers: 1, last_delivered_id: later[3]! },
        ]);
      });

      test("a deleted group is gone with its pending entries; the stream and other groups stay", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await appendMany(journal, stream, 3);
        await journal.createGroup(stream, "doomed", "0");
        await journal.createGroup(stream, "kept", "0");
        await journal.readGroup(stream, "doomed", "c", { count: 2 });
        expect(await journal.deleteGroup(stream, "doomed")).toBe(true);
        expect(await journal.deleteGroup(stream, "doomed")).toBe(false);
        expect(await journal.deleteGroup(uniqueName("no-such-stream"), "doomed")).toBe(false);
        const info = (await journal.info(stream))!;
        expect(info.length).toBe(3);
        expect(info.groups.map((g) => g.name)).toEqual(["kept"]);
        // Created again, it starts afresh: nothing pending from before.
        await journal.createGroup(stream, "doomed", "0");
        expect((await journal.pending(stream, "doomed")).count).toBe(0);
        expect(await journal.readGroup(stream, "doomed", "c", { count: 10 })).toHaveLength(3);
      });

      test("reading one's own pending history returns it again and counts a delivery", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "0");
        const ids = (await appendMany(journal, stream, 3)).map((r) => r.id);
        await journal.readGroup(stream, "g", "a", { count: 3 });
        await journal.ack(stream, "g", [ids[1]!]);
        const history = await journal.readGroup(stream, "g", "a", { count: 10, id: "0" });
        expect(history.map((e) => [e.id, e.deliveries])).toEqual([[ids[0]!, 2], [ids[2]!, 2]]);
        expect(await journal.readGroup(stream, "g", "other", { count: 10, id: "0" })).toEqual([]);
      });

      test("entries of a crashed consumer are claimed by another once idle, counting deliveries", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "0");
        const ids = (await appendMany(journal, stream, 5)).map((r) => r.id);
        await journal.readGroup(stream, "g", "crashed", { count: 5 });
        expect(await journal.claimIdle(stream, "g", "rescuer", { minIdleMs: 60_000, count: 10 })).toEqual([]);
        const claimed = await journal.claimIdle(stream, "g", "rescuer", { minIdleMs: 0, count: 10 });
        expect(claimed.map((e) => [e.id, e.deliveries])).toEqual(ids.map((id) => [id, 2]));
        expect(await journal.pending(stream, "g")).toEqual({ count: 5, consumers: [{ name: "rescuer", pending: 5 }] });
        const [one] = await journal.claim(stream, "g", "third", [ids[0]!]);
        expect(one).toMatchObject({ id: ids[0], deliveries: 3 });
        expect(await journal.claim(stream, "g", "third", ["1-1"])).toEqual([]);
      });

      test("lists a group's consumers with their pending count and idle time", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "0");
        const ids = (await appendMany(journal, stream, 3)).map((r) => r.id);
        await journal.readGroup(stream, "g", "b", { count: 2 });
        await journal.readGroup(stream, "g", "a", { count: 2 });
        await journal.ack(stream, "g", [ids[0]!]);
        const consumers = await journal.consumers(stream, "g");
        expect(consumers.map(({ name, pending }) => ({ name, pending }))).toEqual([
          { name: "a", pending: 1 },
          { name: "b", pending: 1 },
        ]);
        for (const c of consumers) expect(c.idle_ms).toBeGreaterThanOrEqual(0);
        expect(consumers.every((c) => c.idle_ms < 60_000)).toBe(true);
        expect(await journal.consumers(stream, "nobody")).toEqual([]);
        expect(await journal.consumers(uniqueName("no-such-stream"), "g")).toEqual([]);
      });

      test("removes a consumer only when it has nothing pending, so no entry goes with it", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "0");
        const ids = (await appendMany(journal, stream, 3)).map((r) => r.id);
        await journal.readGroup(stream, "g", "holding", { count: 2 });
        await journal.readGroup(stream, "g", "done", { count: 1 });
        await journal.ack(stream, "g", [ids[2]!]);
        expect(await journal.deleteConsumer(stream, "g", "holding")).toBe(false);
        expect(await journal.deleteConsumer(stream, "g", "done")).toBe(true);
        expect((await journal.consumers(stream, "g")).map((c) => c.name)).toEqual(["holding"]);
        expect((await journal.info(stream))!.groups[0]).toMatchObject({ consumers: 1, pending: 2 });
        expect(await journal.pending(stream, "g")).toEqual({ count: 2, consumers: [{ name: "holding", pending: 2 }] });
        expect(await journal.deleteConsumer(stream, "g", "never-was")).toBe(true);
        expect(await journal.deleteConsumer(stream, "nobody", "done")).toBe(true);
      });

      test("a blocking read wakes up when an entry is appended", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "$");
        const reading = journal.readGroup(stream, "g", "c", { count: 10, blockMs: 10_000 });
        await Bun.sleep(50);
        const [added] = await appendMany(journal, stream, 1);
        const got = await reading;
        expect(got.map((e) => e.id)).toEqual([added!.id]);
      });

      test("blocking reads of streams on every node each wake up for their own entry", async () => {
        await using journal = await open();
        const streams = spreadStreams(uniqueName("blocking"), 3);
        for (const stream of streams) await journal.createGroup(stream, "g", "$");
        const readings = streams.map((stream) => journal.readGroup(stream, "g", "c", { count: 10, blockMs: 20_000 }));
        const added = [];
        for (const stream of streams) added.push((await appendMany(journal, stream, 1))[0]!.id);
        expect((await Promise.all(readings)).map((got) => got.map((e) => e.id))).toEqual(added.map((id) => [id]));
      });

      test("a blocking read ends early when its signal aborts", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "$");
        const abort = new AbortController();
        const reading = journal.readGroup(stream, "g", "c", { count: 10, blockMs: 30_000, signal: abort.signal });
        await Bun.sleep(50);
        abort.abort();
        expect(await reading).toEqual([]);
      });

      test("an abort in the same tick as the read, before it reaches the server, still ends it", async () => {
        await using journal = await open();
        const stream = uniqueName("events");
        await journal.createGroup(stream, "g", "$");
        for (let round = 0; round < 5; round++) {
          const abort = new AbortController();
          const reading = journal.readGroup(stream, "g", "c", { count: 10, blockMs: 30_000, signal: abort.signal });
          abort.abort();
          const outcome = await Promise.race([reading.then(() => "returned"), Bun.sleep(10_000).then(() => "still blocked")]);
          expect(outcome).toBe("returned");
        }
      });
    });
  });
}
