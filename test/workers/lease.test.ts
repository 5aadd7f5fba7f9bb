import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/index.ts";
import { redisLease } from "../../server/src/workers/index.ts";
import { sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { captureLogger } from "../lobby/capture-logger.ts";

async function connect(): Promise<RedisClient> {
  const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
  await client.connect();
  return client;
}

describe("the Redis worker lease", () => {
  test("says when another instance holds it, naming the holder, and takes it once released", async () => {
    const [a, b] = [await connect(), await connect()];
    const key = uniqueName("lease");
    const { logger, lines } = captureLogger();
    const first = redisLease(a, key, logger, { ttlMs: 3_000, owner: "first" });
    const second = redisLease(b, key, logger, { ttlMs: 3_000, owner: "second" });
    const stop = new AbortController();
    try {
      expect(await first.acquire(stop.signal)).toBeInstanceOf(AbortSignal);
      const waiting = second.acquire(stop.signal);
      await waitFor("the second to wait", () => lines.some((l) => l.msg === "another instance holds the worker lease; waiting"));
      expect(lines.find((l) => l.msg.startsWith("another instance"))).toMatchObject({ level: "info", lease: key, holder: "first" });
      await first.release();
      expect(await waiting).toBeInstanceOf(AbortSignal);
      expect(await second.holder()).toMatchObject({ owner: "second", held_here: true });
      expect(lines.filter((l) => l.level !== "info")).toEqual([]);
    } finally {
      stop.abort();
      await second.release();
      a.destroy();
      b.destroy();
    }
  });

  test("a holder whose renewals are two thirds of a TTL old (a pause) counts the lease as lost before acting", async () => {
    const client = await connect();
    const clock = { t: 1_000_000, now: () => clock.t };
    const { logger, lines } = captureLogger();
    const lease = redisLease(client, uniqueName("lease"), logger, { ttlMs: 60_000, clock });
    try {
      expect(lease.remaining()).toBe(0);
      const held = (await lease.acquire(new AbortController().signal))!;
      expect(lease.remaining()).toBe(40_000);
      clock.t += 40_000;
      expect(lease.remaining()).toBe(0);
      expect(held.aborted).toBe(true);
      expect(lines.find((l) => l.msg === "worker lease lost")).toMatchObject({ level: "warn", reason: expect.stringMatching(/paused/) });
    } finally {
      await lease.release();
      client.destroy();
    }
  });

  test("a lease left under this owner's name (an earlier process of the same name) is taken with its TTL restarted", async () => {
    const client = await connect();
    const key = uniqueName("lease");
    await client.set(key, "same-name", { PX: 1_000 });
    const lease = redisLease(client, key, captureLogger().logger, { ttlMs: 60_000, owner: "same-name" });
    try {
      expect(await lease.acquire(new AbortController().signal)).toBeInstanceOf(AbortSignal);
      expect(Number(await client.pTTL(key))).toBeGreaterThan(50_000);
      expect(lease.remaining()).toBeGreaterThan(39_000);
    } finally {
      await lease.release();
      client.destroy();
    }
  });

  test("an error talking to Redis is logged as such, with its message, not as the lease being held", async () => {
    const client = await connect();
    client.destroy();
    const { logger, lines } = captureLogger();
    const lease = redisLease(client, uniqueName("lease"), logger, { ttlMs: 300 });
    const stop = new AbortController();
    const acquiring = lease.acquire(stop.signal);
    await waitFor("the error logged", () => lines.length > 0);
    stop.abort();
    expect(await acquiring).toBeNull();
    expect(lines[0]).toMatchObject({ level: "warn", msg: "cannot take the worker lease: error talking to Redis; retrying" });
    expect(String(lines[0]!.err)).toMatch(/closed/i);
    expect(lines.some((l) => l.msg.startsWith("another instance"))).toBe(false);
  });
});
