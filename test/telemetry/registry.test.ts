import { describe, expect, test } from "bun:test";
import { createClient, createCluster } from "redis";
import type { RedisClient, RedisNodeClient } from "../../server/src/backends/index.ts";
import { openSqlite } from "../../server/src/backends/index.ts";
import { RedisSubscriptionRegistry } from "../../server/src/telemetry/redis-registry.ts";
import type { RegistryOptions, SubscriptionRegistry } from "../../server/src/telemetry/registry.ts";
import { SqliteSubscriptionRegistry } from "../../server/src/telemetry/sqlite-registry.ts";
import { sharedRedis, sharedRedisCluster, startRedis, uniqueName } from "../harness/index.ts";

type Open = (opts: RegistryOptions) => Promise<SubscriptionRegistry & AsyncDisposable>;

const adapters: Array<[string, Open]> = [
  [
    "sqlite",
    async (opts) => {
      const db = openSqlite(":memory:");
      return Object.assign(new SqliteSubscriptionRegistry(db, opts), { async [Symbol.asyncDispose]() { db.close(); } });
    },
  ],
  [
    "redis",
    async (opts) => {
      const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
      await client.connect();
      return Object.assign(new RedisSubscriptionRegistry(client, opts), { async [Symbol.asyncDispose]() { client.destroy(); } });
    },
  ],
  [
    "redis cluster",
    async (opts) => {
      const cluster = createCluster({ rootNodes: [{ url: (await sharedRedisCluster()).url }] });
      await cluster.connect();
      return Object.assign(new RedisSubscriptionRegistry(cluster, opts), { async [Symbol.asyncDispose]() { cluster.destroy(); } });
    },
  ],
];

for (const [name, open] of adapters) {
  describe(`subscription registry contract: ${name}`, () => {
    const clock = () => {
      let now = 1_000_000;
      return { now: () => now, advance: (ms: number) => void (now += ms) };
    };

    test("subscribing is idempotent and lists the subscription as active", async () => {
      const time = clock();
      await using registry = await open({ ttlMs: 60_000, clock: time });
      const lobby = uniqueName("lobby");
      expect(await registry.subscribe(lobby, "s1", "u1")).toEqual({ created: true });
      time.advance(1);
      expect(await registry.subscribe(lobby, "s2", "u2")).toEqual({ created: true });
      expect(await registry.subscribe(lobby, "s1", "u1")).toEqual({ created: false });
      expect(await registry.list(lobby)).toEqual([
        { session_id: "s1", user_id: "u1", lobby_id: lobby, active: true },
        { session_id: "s2", user_id: "u2", lobby_id: lobby, active: true },
      ]);
      expect(await registry.list(uniqueName("empty"))).toEqual([]);
    });

    test("unsubscribing removes it; an unknown subscription answers false", async () => {
      const time = clock();
      await using registry = await open({ ttlMs: 60_000, clock: time });
      const lobby = uniqueName("lobby");
      await registry.subscribe(lobby, "s1", "u1");
      expect(await registry.unsubscribe(lobby, "s1")).toBe(true);
      expect(await registry.unsubscribe(lobby, "s1")).toBe(false);
      expect(await registry.unsubscribe(lobby, "nobody")).toBe(false);
      expect(await registry.list(lobby)).toEqual([]);
    });

    test("an entry not renewed within the TTL is inactive, then removed; renewing keeps it active", async () => {
      const time = clock();
      await using registry = await open({ ttlMs: 1_000, clock: time });
      const lobby = uniqueName("lobby");
      await registry.subscribe(lobby, "gone", "u1");
      await registry.subscribe(lobby, "live", "u2");
      time.advance(800);
      expect(await registry.renew(lobby, "live")).toBe(true);
      time.advance(700); // gone: 1500 ms without renewal; live: 700 ms
      expect((await registry.list(lobby)).map((s) => [s.session_id, s.active])).toEqual([["gone", false], ["live", true]]);
      time.advance(600); // gone: 2100 ms, past twice the TTL
      expect(await registry.renew(lobby, "gone")).toBe(false);
      expect((await registry.list(lobby)).map((s) => [s.session_id, s.active])).toEqual([["live", false]]);
      expect(await registry.renew(lobby, "live")).toBe(true);
      expect(await registry.list(lobby)).toEqual([{ session_id: "live", user_id: "u2", lobby_id: lobby, active: true }]);
    });

    test("sweep removes expired entries across lobbies", async () => {
      const time = clock();
      await using registry = await open({ ttlMs: 1_000, clock: time });
      const a = uniqueName("lobby");
      const b = uniqueName("lobby");
      await registry.subscribe(a, "s1", "u1");
      await registry.subscribe(b, "s2", "u2");
      time.advance(2_500);
      await registry.subscribe(b, "s3", "u3");
      expect(await registry.sweep()).toBeGreaterThanOrEqual(2);
      expect(await registry.list(a)).toEqual([]);
      expect((await registry.list(b)).map((s) => s.session_id)).toEqual(["s3"]);
    });
  });
}

describe("redis subscription registry: a write that fails midway", () => {
  test("a subscribe whose lobby listing fails leaves no subscription behind, and a retry makes it whole", async () => {
    await using redis = await startRedis({ appendfsync: "everysec" });
    const admin = createClient({ url: redis.url }) as RedisNodeClient;
    const client = createClient({ url: redis.url }) as RedisClient;
    await Promise.all([admin.connect(), client.connect()]);
    try {
      const registry = new RedisSubscriptionRegistry(client, { ttlMs: 60_000, clock: { now: () => 1_000_000 } });
      const lobby = uniqueName("lobby");
      // The set of lobbies lives in another slot than the lobby's hash on a cluster; here, its write is refused.
      await admin.sendCommand(["ACL", "SETUSER", "default", "-sadd"]);
      await expect(registry.subscribe(lobby, "s1", "u1")).rejects.toThrow(/NOPERM/);
      await admin.sendCommand(["ACL", "SETUSER", "default", "+sadd"]);
      expect(await registry.list(lobby)).toEqual([]);
      expect(await registry.subscribe(lobby, "s1", "u1")).toEqual({ created: true });
      expect(await client.sIsMember("rtapi:lobbies", lobby)).toBe(1);
      expect((await registry.list(lobby)).map((s) => s.session_id)).toEqual(["s1"]);
    } finally {
      admin.destroy();
      client.destroy();
    }
  });
});
