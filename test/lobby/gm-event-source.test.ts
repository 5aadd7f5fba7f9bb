import { describe, expect, test } from "bun:test";
import { createClient, createCluster } from "redis";
import type { RedisNodeClient } from "../../server/src/backends/redis.ts";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { appendGmEvent, JournalGmEventSource, RedisGmEventSource, type GmEventSource } from "../../server/src/lobby/index.ts";
import { sharedRedis, sharedRedisCluster, uniqueName, waitFor } from "../harness/index.ts";

/** The one contract suite of `GmEventSource`: the Redis stream (XADD by a Game Master) and the journal stream (appendGmEvent). */

interface SourceFixture extends AsyncDisposable {
  source: GmEventSource;
  append(fields: Record<string, string>): Promise<string>;
  /** Whether a read is waiting on the backend right now. */
  blocked(): Promise<boolean>;
}

const SOURCES: Array<[string, () => Promise<SourceFixture>]> = [
  [
    "journal",
    async () => {
      const db = openSqlite(":memory:");
      const journal = new SqliteJournal(db);
      const clock = { now: () => Date.now() };
      const source = new JournalGmEventSource(journal);
      return {
        source,
        append: async (fields) => (await appendGmEvent(journal, fields, { clock })).id!,
        // The journal's live watch is how a read waits: one is open while it does.
        blocked: async () => (journal as unknown as { hub: { listenerCount(stream: string): number } }).hub.listenerCount(source.stream) > 0,
        async [Symbol.asyncDispose]() {
          await source.close();
          await journal.close();
          db.close();
        },
      };
    },
  ],
  [
    "redis",
    async () => {
      const client = createClient({ url: (await sharedRedis()).url }) as RedisNodeClient;
      await client.connect();
      const stream = uniqueName("gm:lobby_events");
      const source = new RedisGmEventSource(client, stream);
      return {
        source,
        append: (fields) => client.xAdd(stream, "*", fields),
        blocked: async () => String(await client.sendCommand(["CLIENT", "LIST"])).includes("cmd=xread"),
        async [Symbol.asyncDispose]() {
          await source.close();
          await client.del(stream);
          client.destroy();
        },
      };
    },
  ],
  [
    "redis cluster",
    async () => {
      const cluster = createCluster({ rootNodes: [{ url: (await sharedRedisCluster()).url }] });
      await cluster.connect();
      const stream = uniqueName("gm:lobby_events");
      const source = new RedisGmEventSource(cluster, stream);
      return {
        source,
        append: (fields) => cluster.xAdd(stream, "*", fields),
        // The read blocks on the node that holds the stream.
        blocked: async () => String(await (await cluster.getNodeClientForKey(stream)).sendCommand(["CLIENT", "LIST"])).includes("cmd=xread"),
        async [Symbol.asyncDispose]() {
          await source.close();
          await cluster.del(stream);
          cluster.destroy();
        },
      };
    },
  ],
];

describe.each(SOURCES)("GmEventSource on %s", (_name, makeFixture) => {
  test("read returns the entries after an id, in order, at most count, with their flat fields", async () => {
    await using fx = await makeFixture();
    const signal = new AbortController().signal;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await fx.append({ kind: "runtime_snapshot_update", game_id: `game-${i}`, current_turn: String(i) }));
    const all = await fx.source.read("0-0", { count: 10, blockMs: 100, signal });
    expect(all.map((e) => e.id)).toEqual(ids);
    expect(all[2]!.fields).toEqual({ kind: "runtime_snapshot_update", game_id: "game-2", current_turn: "2" });
    expect((await fx.source.read(ids[1]!, { count: 2, blockMs: 100, signal })).map((e) => e.id)).toEqual(ids.slice(2, 4));
    expect(await fx.source.backlog(ids[1]!, 100)).toBe(3);
    expect(await fx.source.backlog(ids[1]!, 2)).toBe(2);
    expect(await fx.source.backlog(ids[4]!, 100)).toBe(0);
  });

  test("with nothing new, read waits for the next entry, or returns nothing after blockMs", async () => {
    await using fx = await makeFixture();
    const signal = new AbortController().signal;
    const last = await fx.append({ kind: "x" });
    expect(await fx.source.read(last, { count: 10, blockMs: 50, signal })).toEqual([]);
    const waiting = fx.source.read(last, { count: 10, blockMs: 10_000, signal });
    await waitFor("the read to block", () => fx.blocked());
    const next = await fx.append({ kind: "y" });
    expect((await waiting).map((e) => e.id)).toEqual([next]);
  });

  test("aborting the signal ends a blocked read at once", async () => {
    await using fx = await makeFixture();
    const abort = new AbortController();
    const last = await fx.append({ kind: "x" });
    const waiting = fx.source.read(last, { count: 10, blockMs: 60_000, signal: abort.signal });
    const outcome = Promise.race([waiting.then(() => "returned", () => "returned"), Bun.sleep(20_000).then(() => "still blocked")]);
    await waitFor("the read to block", () => fx.blocked());
    abort.abort();
    expect(await outcome).toBe("returned");
    const after = await fx.source.read(last, { count: 10, blockMs: 10, signal: new AbortController().signal });
    expect(after).toEqual([]);
  });

  test("an abort that lands before the read reaches the server still ends it (the first read opens its connection meanwhile)", async () => {
    await using fx = await makeFixture();
    const abort = new AbortController();
    const last = await fx.append({ kind: "x" });
    const waiting = fx.source.read(last, { count: 10, blockMs: 60_000, signal: abort.signal });
    abort.abort();
    const outcome = await Promise.race([waiting.then(() => "returned", () => "returned"), Bun.sleep(20_000).then(() => "still blocked")]);
    expect(outcome).toBe("returned");
  });
});
