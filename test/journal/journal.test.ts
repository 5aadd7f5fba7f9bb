import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/index.ts";
import { openSqlite } from "../../server/src/backends/index.ts";
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
});
