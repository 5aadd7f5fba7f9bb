import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/index.ts";
import { openSqlite } from "../../server/src/backends/index.ts";
import { compareIds } from "../../server/src/journal/ids.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SqliteJournal } from "../../server/src/journal/sqlite-journal.ts";
import { silentLogger } from "../../server/src/log.ts";
import { sharedRedis, uniqueName } from "../harness/index.ts";
import { journalContract } from "./journal-contract.ts";
import { JOURNALS } from "./journals.ts";

for (const [name, open] of JOURNALS) journalContract(name, open);

describe("redis journal: entries written by other tools", () => {
  test("read and readRaw agree on an entry with missing fields and data that is not JSON", async () => {
    const { url } = await sharedRedis();
    const client = createClient({ url }) as RedisClient;
    await client.connect();
    const journal = new RedisJournal(client, silentLogger());
    try {
      const stream = uniqueName("foreign");
      await client.xAdd(stream, "*", { data: "plain words", who: "x\"y" });
      await client.xAdd(stream, "*", { type: "t", ts: "12", data: "42", mode: "22" });
      const entries = await journal.read(stream, { count: 10 });
      const raw = await journal.readRaw(stream, { count: 10 });
      expect(raw.map((r) => JSON.parse(r.json))).toEqual(entries);
      expect(entries[0]).toMatchObject({ type: "", data: "plain words" });
      expect(entries[1]).toMatchObject({ type: "t", ts: 12, data: 42, mode: 22 });
    } finally {
      await journal.close();
      client.destroy();
    }
  });
});

describe("sqlite journal: a journal.db from an earlier version", () => {
  test("gains the consumers' seen_at column on open and keeps its groups", async () => {
    const db = openSqlite(":memory:");
    db.exec(`CREATE TABLE journal_consumers (stream TEXT NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (stream, grp, name)) WITHOUT ROWID;
             INSERT INTO journal_consumers (stream, grp, name) VALUES ('s', 'g', 'old');`);
    const journal = new SqliteJournal(db);
    try {
      expect((await journal.consumers("s", "g")).map((c) => c.name)).toEqual(["old"]);
    } finally {
      await journal.close();
      db.close();
    }
  });

  test("entries of the one-table layout are moved to bodies and ids at open; reads, groups and new ids continue", async () => {
    const db = openSqlite(":memory:");
    // The layout before entries were split into bodies and ids: name, ms, seq and body in one row.
    db.exec(`CREATE TABLE journal_streams (name TEXT PRIMARY KEY, last_ms INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0,
      length INTEGER NOT NULL DEFAULT 0, deleted_ms INTEGER NOT NULL DEFAULT 0, deleted_seq INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE journal_entries (stream TEXT NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (stream, ms, seq)) WITHOUT ROWID;
      INSERT INTO journal_streams (name, last_ms, last_seq, length) VALUES ('a', 1000, 1, 2), ('b', 1000, 0, 1);
      INSERT INTO journal_entries VALUES ('a', 1000, 0, '{"type":"x","ts":1,"data":{"n":0}}'), ('a', 1000, 1, '{"type":"x","ts":2,"data":{"n":1}}'),
        ('b', 1000, 0, '{"type":"y","ts":3,"data":null}');`);
    const journal = new SqliteJournal(db);
    try {
      expect(await journal.read("a", { count: 10 })).toEqual([
        { id: "1000-0", type: "x", ts: 1, data: { n: 0 } },
        { id: "1000-1", type: "x", ts: 2, data: { n: 1 } },
      ]);
      expect((await journal.readRaw("b", { count: 10 })).map((r) => JSON.parse(r.json))).toEqual([{ id: "1000-0", type: "y", ts: 3, data: null }]);
      expect(db.query("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'journal_entries'").get()).toEqual({ n: 0 });
      const [next] = await journal.append([{ stream: "a", event: { type: "x", ts: 4, data: { n: 2 } } }]);
      expect(compareIds(next!.id!, "1000-1")).toBeGreaterThan(0);
      await journal.createGroup("a", "g", "0");
      expect((await journal.readGroup("a", "g", "c", { count: 10 })).map((e) => e.id)).toEqual(["1000-0", "1000-1", next!.id!]);
      expect(await journal.trim("a", { maxLen: 1 })).toBe(2);
      expect((await journal.info("a"))!).toMatchObject({ length: 1, first_id: next!.id, max_deleted_id: "1000-1" });
      // Opening again changes nothing.
      const again = new SqliteJournal(db);
      expect((await again.read("a", { count: 10 })).map((e) => e.id)).toEqual([next!.id!]);
      await again.close();
    } finally {
      await journal.close();
      db.close();
    }
  });
});
