import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis, openSqlite } from "../../server/src/backends/index.ts";
import { RedisJournal } from "../../server/src/journal/redis-journal.ts";
import { SpoolingJournal } from "../../server/src/journal/spool.ts";
import { silentLogger } from "../../server/src/log.ts";
import { startRedis, uniqueName, waitFor } from "../harness/index.ts";
import { event } from "./journal-contract.ts";

async function spoolingJournal(redisUrl: string, spoolPath: string) {
  const client = connectRedis(redisUrl, silentLogger());
  await waitFor("redis connection", () => client.isReady);
  const db = openSqlite(spoolPath);
  const journal = new SpoolingJournal(new RedisJournal(client, silentLogger()), db, () => client.isReady, silentLogger());
  return Object.assign(journal, {
    async [Symbol.asyncDispose]() {
      await journal.close();
      client.destroy();
      db.close();
    },
  });
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-spool-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("spool: nothing lost while Redis is down", () => {
  for (const keyed of [true, false]) {
    test(`${keyed ? "keyed" : "unkeyed"} appends during a Redis outage reach the stream in order once it is back`, async () => {
      await using redis = await startRedis();
      using tmp = tempDir();
      await using journal = await spoolingJournal(redis.url, join(tmp.dir, "spool.db"));
      const stream = uniqueName("events");
      const total = 600;
      let spooled = 0;
      for (let n = 0; n < total; n++) {
        if (n === 200) await redis.stop();
        if (n === 400) await redis.start();
        const [result] = await journal.append([{ stream, event: event(n, keyed ? { key: `k-${n}` } : {}) }]);
        if (result!.spooled) {
          spooled++;
          expect(result!.id).toBeNull();
        } else {
          expect(result!.id).toMatch(/^\d+-\d+$/);
        }
      }
      expect(spooled).toBeGreaterThanOrEqual(150); // everything from the stop until the client reconnected
      await waitFor("the spool to drain", () => journal.spoolDepth === 0, { timeoutMs: 30_000 });
      const stored = (await journal.read(stream, { count: 10_000 })).map((e) => (e.data as { n: number }).n);
      if (keyed) {
        expect(stored).toEqual(Array.from({ length: total }, (_, n) => n));
      } else {
        // Nothing lost and in order; the one append in flight when Redis stopped may appear twice (see spool.ts).
        const unique = stored.filter((n, i) => i === 0 || stored[i - 1] !== n);
        expect(unique).toEqual(Array.from({ length: total }, (_, n) => n));
        expect(stored.length - unique.length).toBeLessThanOrEqual(1);
      }
    });
  }

  test("a spool left by a crashed process is drained by the next one", async () => {
    await using redis = await startRedis();
    using tmp = tempDir();
    const spoolPath = join(tmp.dir, "spool.db");
    const stream = uniqueName("events");
    {
      await using first = await spoolingJournal(redis.url, spoolPath);
      await redis.stop();
      for (let n = 0; n < 50; n++) await first.append([{ stream, event: event(n) }]);
      expect(first.spoolDepth).toBe(50);
    } // the process ends with 50 events in its spool
    await redis.start();
    await using second = await spoolingJournal(redis.url, spoolPath);
    await waitFor("the spool to drain", () => second.spoolDepth === 0, { timeoutMs: 30_000 });
    const stored = (await second.read(stream, { count: 100 })).map((e) => (e.data as { n: number }).n);
    expect(stored).toEqual(Array.from({ length: 50 }, (_, n) => n));
  });

  test("reads while Redis is down fail as unavailable, not with a driver error", async () => {
    await using redis = await startRedis();
    using tmp = tempDir();
    await using journal = await spoolingJournal(redis.url, join(tmp.dir, "spool.db"));
    await redis.stop();
    await expect(journal.read("events:rtapi", { count: 1 })).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});
