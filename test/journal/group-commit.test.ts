import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import type { RedisNodeClient } from "../../server/src/backends/index.ts";
import { openSqlite } from "../../server/src/backends/index.ts";
import { compareIds } from "../../server/src/journal/ids.ts";
import type { AppendResult, Journal } from "../../server/src/journal/journal.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { silentLogger } from "../../server/src/log.ts";
import { startRedis, uniqueName } from "../harness/index.ts";
import { event } from "./journal-contract.ts";

/**
 * Group commit (server/src/journal/group-commit.ts) on both adapters, each
 * on a real backend: the appends of one event-loop turn share one commit,
 * and still keep each caller's order, idempotency and failures its own.
 */
interface Backend extends AsyncDisposable {
  journal: Journal;
  /** Makes every write to `stream` fail (a key of the wrong type, or a trigger refusing it). */
  breakStream(stream: string): Promise<void>;
  /** Makes every commit fail until `heal` (Redis: no right to run scripts; SQLite: the file locked by another connection). */
  failCommits(): Promise<{ heal(): Promise<void> }>;
  /** Script calls so far (Redis only). */
  scriptCalls?(): Promise<number>;
}

async function redisBackend(): Promise<Backend> {
  const redis = await startRedis();
  await redis.start();
  const client = createClient({ url: redis.url }) as RedisNodeClient;
  const admin = createClient({ url: redis.url }) as RedisNodeClient;
  await Promise.all([client.connect(), admin.connect()]);
  const journal = new RedisJournal(client, silentLogger());
  return {
    journal,
    async breakStream(stream) {
      await admin.set(stream, "not a stream");
    },
    async failCommits() {
      await admin.sendCommand(["ACL", "SETUSER", "default", "-evalsha", "-eval"]);
      return { heal: async () => void (await admin.sendCommand(["ACL", "SETUSER", "default", "+evalsha", "+eval"])) };
    },
    async scriptCalls() {
      const stats = await admin.sendCommand(["INFO", "commandstats"]);
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(String(stats))?.[1] ?? 0);
    },
    async [Symbol.asyncDispose]() {
      await journal.close();
      client.destroy();
      admin.destroy();
      await redis[Symbol.asyncDispose]();
    },
  };
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-group-commit-"));
  const file = join(dir, "journal.db");
  const db = openSqlite(file);
  const journal = new SqliteJournal(db);
  return {
    journal,
    async breakStream(stream) {
      db.exec(`CREATE TRIGGER refuse_${stream.replace(/\W/g, "_")} BEFORE INSERT ON journal_ids
        WHEN NEW.sid = (SELECT sid FROM journal_streams WHERE name = '${stream}')
        BEGIN SELECT RAISE(ABORT, 'writes to ${stream} are refused'); END`);
    },
    async failCommits() {
      db.exec("PRAGMA busy_timeout = 0");
      const other = new Database(file);
      other.exec("BEGIN IMMEDIATE");
      return {
        heal: async () => {
          other.exec("ROLLBACK");
          other.close();
        },
      };
    },
    async [Symbol.asyncDispose]() {
      await journal.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Settles every promise: each caller's own outcome. */
function outcomes(calls: Array<Promise<AppendResult[]>>) {
  return Promise.all(calls.map((p) => p.then((results) => ({ results }), (error: Error) => ({ error }))));
}

for (const [name, open] of [
  ["redis", redisBackend],
  ["sqlite", sqliteBackend],
] as const) {
  describe(`group commit on ${name}`, () => {
    test("appends made in one turn share one commit, keep their call order per stream, and are readable once answered", async () => {
      await using backend = await open();
      const { journal } = backend;
      const a = uniqueName("a");
      const b = uniqueName("b");
      const before = await backend.scriptCalls?.();
      // 200 callers in one turn, alternating between two streams, one a batch of two.
      const calls = Array.from({ length: 200 }, (_, i) =>
        i === 100
          ? journal.append([
              { stream: a, event: event(i) },
              { stream: a, event: event(i + 0.5) },
            ])
          : journal.append([{ stream: i % 2 === 0 ? a : b, event: event(i) }]),
      );
      const results = await Promise.all(calls);
      if (before !== undefined) expect((await backend.scriptCalls!()) - before).toBe(1);
      const ids = (stream: string) => results.flat().filter((r) => r.stream === stream).map((r) => r.id!);
      for (const stream of [a, b]) {
        const expected = ids(stream);
        for (let i = 1; i < expected.length; i++) expect(compareIds(expected[i - 1]!, expected[i]!)).toBeLessThan(0);
        const read = await journal.read(stream, { count: 1_000 });
        expect(read.map((e) => e.id)).toEqual(expected);
      }
      const readA = await journal.read(a, { count: 1_000 });
      expect(readA.map((e) => e.user_id)).toEqual([...Array.from({ length: 50 }, (_, i) => `u${2 * i}`), "u100", "u100.5", ...Array.from({ length: 49 }, (_, i) => `u${102 + 2 * i}`)]);
      expect(results[1]![0]).toMatchObject({ stream: b, duplicate: false });
    });

    test("a key repeated within one group is stored once, and every repeat answers the first id", async () => {
      await using backend = await open();
      const { journal } = backend;
      const stream = uniqueName("keyed");
      const [first, repeat, pair, later] = await Promise.all([
        journal.append([{ stream, event: event(1, { key: "k-1" }) }]),
        journal.append([{ stream, event: event(2, { key: "k-1" }) }]),
        journal.append([
          { stream, event: event(3, { key: "k-2" }) },
          { stream, event: event(4, { key: "k-2" }) },
        ]),
        journal.append([{ stream, event: event(5, { key: "k-1" }) }]),
      ]);
      expect(first![0]).toEqual({ stream, id: first![0]!.id, duplicate: false });
      expect(repeat![0]).toEqual({ stream, id: first![0]!.id, duplicate: true });
      expect(pair![0]!.duplicate).toBe(false);
      expect(pair![1]).toEqual({ stream, id: pair![0]!.id, duplicate: true });
      expect(later![0]).toEqual({ stream, id: first![0]!.id, duplicate: true });
      expect((await journal.read(stream, { count: 10 })).map((e) => e.user_id)).toEqual(["u1", "u3"]);
      // And across groups, as before.
      const again = await journal.append([{ stream, event: event(6, { key: "k-2" }) }]);
      expect(again[0]).toEqual({ stream, id: pair![0]!.id, duplicate: true });
    });

    test("a call that fails inside a group fails alone; the other callers' events are durable", async () => {
      await using backend = await open();
      const { journal } = backend;
      const good = uniqueName("good");
      const broken = uniqueName("broken");
      await backend.breakStream(broken);
      const settled = await outcomes([
        journal.append([{ stream: good, event: event(1) }]),
        journal.append([{ stream: broken, event: event(2) }]),
        journal.append([{ stream: good, event: event(3, { data: { n: 10n } }) }]),
        journal.append([{ stream: good, event: event(4, { key: "k" }) }]),
      ]);
      expect("results" in settled[0]! && settled[0].results[0]!.duplicate).toBe(false);
      expect("error" in settled[1]!).toBe(true);
      expect("error" in settled[2]!).toBe(true);
      expect("results" in settled[3]! && settled[3].results[0]!.duplicate).toBe(false);
      const stored = await journal.read(good, { count: 10 });
      expect(stored.map((e) => e.user_id)).toEqual(["u1", "u4"]);
      expect(stored.map((e) => e.id)).toEqual([0, 3].map((i) => (settled[i] as { results: AppendResult[] }).results[0]!.id!));
    });

    test("a group that fails as a whole fails exactly its own callers: the next group commits", async () => {
      await using backend = await open();
      const { journal } = backend;
      const stream = uniqueName("events");
      const failing = await backend.failCommits();
      const first = await outcomes([journal.append([{ stream, event: event(1) }]), journal.append([{ stream, event: event(2, { key: "k" }) }])]);
      expect(first.every((o) => "error" in o)).toBe(true);
      await failing.heal();
      const [next] = await Promise.all([journal.append([{ stream, event: event(3) }])]);
      const retried = await journal.append([{ stream, event: event(2, { key: "k" }) }]);
      expect(retried[0]!.duplicate).toBe(false);
      expect((await journal.read(stream, { count: 10 })).map((e) => e.id)).toEqual([next![0]!.id!, retried[0]!.id!]);
    });
  });
}
