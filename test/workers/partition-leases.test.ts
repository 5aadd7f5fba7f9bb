import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/index.ts";
import { silentLogger } from "../../server/src/log.ts";
import { localPartitionLeases, redisPartitionLeases, type PartitionLeases } from "../../server/src/workers/index.ts";
import { sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { captureLogger } from "../lobby/capture-logger.ts";

const COUNT = 8;
const TTL = 900;

interface Instance {
  owner: string;
  client: RedisClient;
  leases: PartitionLeases;
}

async function instance(name: string, owner: string, logger = silentLogger()): Promise<Instance> {
  const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
  await client.connect();
  const leases = redisPartitionLeases(client, { name, count: COUNT, logger, ttlMs: TTL, owner });
  leases.start();
  return { owner, client, leases };
}

/** Who holds each partition, as Redis says. */
async function holders(client: RedisClient, name: string): Promise<Array<string | null>> {
  return Promise.all(Array.from({ length: COUNT }, (_, i) => client.get(`workers:lease:${name}:p${i}of${COUNT}`)));
}

/** Every partition held by exactly the instance that thinks it holds it, and by nobody else. */
async function consistent(name: string, instances: Instance[]): Promise<boolean> {
  const inRedis = await holders(instances[0]!.client, name);
  const claimed = new Array<string | null>(COUNT).fill(null);
  for (const { owner, leases } of instances) {
    for (const p of leases.held()) {
      if (claimed[p] !== null) throw new Error(`partition ${p} held by ${claimed[p]} and ${owner}`);
      claimed[p] = owner;
    }
  }
  return claimed.every((owner, p) => owner === null || inRedis[p] === owner);
}

describe("partition leases on Redis", () => {
  test("spread over the instances as they join (at most ceil(n / live) each), come back when one leaves or dies, never held twice", async () => {
    const name = uniqueName("parts");
    const a = await instance(name, "a");
    const all: Instance[] = [a];
    try {
      await waitFor("the first instance to take every partition", async () => a.leases.held().length === COUNT && (await consistent(name, all)));
      const b = await instance(name, "b");
      all.push(b);
      await waitFor("two instances to hold four each", async () => (await consistent(name, all)) && all.every((i) => i.leases.held().length === 4));
      const c = await instance(name, "c");
      all.push(c);
      await waitFor("three instances to share all eight, at most three each", async () => {
        const counts = all.map((i) => i.leases.held().length);
        return (await consistent(name, all)) && counts.reduce((x, y) => x + y) === COUNT && counts.every((n) => n > 0 && n <= 3);
      });

      // A graceful stop hands its partitions over at once.
      await c.leases.stop();
      c.client.destroy();
      all.pop();
      await waitFor("the two left to hold four each", async () => (await consistent(name, all)) && all.every((i) => i.leases.held().length === 4));

      // A dead instance (its connection gone): its leases and membership expire, the survivor takes everything.
      b.client.destroy();
      await waitFor("the survivor to hold all eight", async () => a.leases.held().length === COUNT && (await consistent(name, [a])));
      expect(b.leases.held()).toEqual([]);
      await b.leases.stop();
    } finally {
      await a.leases.stop();
      a.client.destroy();
    }
  });

  test("a holder whose renewals are two thirds of a TTL old (a pause) counts its partitions as lost before acting", async () => {
    const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
    await client.connect();
    const clock = { t: 1_000_000, now: () => clock.t };
    const leases = redisPartitionLeases(client, { name: uniqueName("paused"), count: COUNT, logger: silentLogger(), ttlMs: 60_000, owner: "a", clock });
    try {
      leases.start();
      await waitFor("every partition held", () => leases.held().length === COUNT);
      const lease = leases.leases[0]!;
      const held = (await lease.acquire(new AbortController().signal))!;
      expect(lease.remaining()).toBe(40_000);
      clock.t += 39_999;
      expect(lease.remaining()).toBe(1);
      expect(held.aborted).toBe(false);
      clock.t += 1; // resumed after a pause: the key may be another's by now
      expect(lease.remaining()).toBe(0);
      expect(held.aborted).toBe(true);
      expect(leases.held()).not.toContain(0);
      expect(leases.leases[1]!.remaining()).toBe(0);
    } finally {
      await leases.stop();
      client.destroy();
    }
  });

  test("a partition handed over is released only once every worker using it has stopped", async () => {
    const name = uniqueName("handover");
    const a = await instance(name, "a");
    let b: Instance | undefined;
    try {
      await waitFor("a to hold everything", () => a.leases.held().length === COUNT);
      // Two workers use every partition (as the two streams' workers do).
      const stop = new AbortController();
      const held = await Promise.all(a.leases.leases.flatMap((lease) => [lease.acquire(stop.signal), lease.acquire(stop.signal)]));
      b = await instance(name, "b");
      await waitFor("a to hand four partitions over", () => a.leases.held().length === 4);
      const given = [0, 1, 2, 3, 4, 5, 6, 7].filter((p) => !a.leases.held().includes(p));
      for (const p of given) expect(held[2 * p]!.aborted && held[2 * p + 1]!.aborted).toBe(true);
      // Still a's in Redis while its workers run: renewed past a whole TTL, b taking none of them.
      await Bun.sleep(TTL);
      expect(b.leases.held()).toEqual([]);
      expect((await holders(a.client, name)).filter((h) => h === "a")).toHaveLength(COUNT);
      // One worker of each stops: still a's. The second stops: released, and b takes them.
      for (const p of given) a.leases.leases[p]!.stopped!(held[2 * p]!);
      expect((await holders(a.client, name)).filter((h) => h === "a")).toHaveLength(COUNT);
      for (const p of given) a.leases.leases[p]!.stopped!(held[2 * p + 1]!);
      await waitFor("b to take the four given up", async () => (await consistent(name, [a, b!])) && b!.leases.held().toSorted().join() === given.join());
      stop.abort();
    } finally {
      await a.leases.stop();
      a.client.destroy();
      await b?.leases.stop();
      b?.client.destroy();
    }
  });

  test("while an earlier version holds the unpartitioned lease, no partition is held; once it is gone, all are", async () => {
    const name = uniqueName("upgrade");
    const legacy = `workers:lease:${name}`;
    const { logger, lines } = captureLogger();
    const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
    await client.connect();
    await client.set(legacy, "old-version", { PX: 60_000 });
    const leases = redisPartitionLeases(client, { name, count: COUNT, logger, ttlMs: TTL, owner: "new", yieldTo: [legacy] });
    leases.start();
    try {
      await waitFor("the wait logged", () => lines.some((l) => l.msg.startsWith("an instance of an earlier version")));
      expect(leases.held()).toEqual([]);
      expect((await holders(client, name)).every((h) => h === null)).toBe(true);
      await client.del(legacy);
      await waitFor("every partition taken once it is gone", () => leases.held().length === COUNT);
      // An old instance starting again (a rollback): every partition is handed over.
      await client.set(legacy, "old-version", { PX: 60_000 });
      await waitFor("every partition handed over", async () => leases.held().length === 0 && (await holders(client, name)).every((h) => h === null));
    } finally {
      await leases.stop();
      await client.del(legacy);
      client.destroy();
    }
  });

  test("partitions left under this owner's name (an earlier process of the same name) are taken at once, their TTLs restarted", async () => {
    const name = uniqueName("same-name");
    const setup = createClient({ url: (await sharedRedis()).url }) as RedisClient;
    await setup.connect();
    for (let i = 0; i < COUNT; i++) await setup.set(`workers:lease:${name}:p${i}of${COUNT}`, "a", { PX: 30_000 });
    const a = await instance(name, "a");
    try {
      await waitFor("a to hold every partition", () => a.leases.held().length === COUNT, { timeoutMs: 5_000 });
      for (let i = 0; i < COUNT; i++) expect(Number(await setup.pTTL(`workers:lease:${name}:p${i}of${COUNT}`))).toBeLessThanOrEqual(TTL);
    } finally {
      await a.leases.stop();
      a.client.destroy();
      setup.destroy();
    }
  });

  test("an error talking to Redis is logged with its message; nothing is taken meanwhile", async () => {
    const { logger, lines } = captureLogger();
    const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
    await client.connect();
    client.destroy();
    const leases = redisPartitionLeases(client, { name: uniqueName("down"), count: COUNT, logger, ttlMs: 300 });
    leases.start();
    await waitFor("the error logged", () => lines.some((l) => l.level === "warn"));
    expect(lines.find((l) => l.level === "warn")).toMatchObject({ msg: "cannot announce this instance: error talking to Redis", err: expect.stringMatching(/closed/i) });
    expect(leases.held()).toEqual([]);
    await leases.stop();
  });
});

test("embedded, one process holds every partition", async () => {
  const leases = localPartitionLeases(4);
  expect(leases.held()).toEqual([0, 1, 2, 3]);
  expect(await leases.leases[2]!.acquire(new AbortController().signal)).toBeInstanceOf(AbortSignal);
});
