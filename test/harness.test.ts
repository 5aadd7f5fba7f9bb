import { describe, expect, test } from "bun:test";
import { MongoClient } from "mongodb";
import { createClient } from "redis";
import { sharedMongo, sharedRedis, startRedis, uniqueName } from "./harness/index.ts";

describe("test harness", () => {
  test("starts a real redis-server that stores and returns a stream entry", async () => {
    const { url } = await sharedRedis();
    const redis = createClient({ url });
    await redis.connect();
    try {
      const key = uniqueName("smoke");
      const id = await redis.xAdd(key, "*", { hello: "world" });
      const entries = await redis.xRange(key, "-", "+");
      expect(entries).toEqual([{ id, message: { hello: "world" } }]);
    } finally {
      redis.destroy();
    }
  });

  test("starts a real MongoDB-protocol server that stores and returns a document", async () => {
    const { url } = await sharedMongo();
    const mongo = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    try {
      const db = mongo.db(uniqueName("smoke"));
      await db.collection("things").insertOne({ _id: "a" as never, n: 1 });
      expect(await db.collection("things").findOne({ _id: "a" as never })).toEqual({ _id: "a", n: 1 } as never);
      await db.dropDatabase();
    } finally {
      await mongo.close();
    }
  });

  test("a private redis-server keeps acknowledged writes across a restart", async () => {
    await using server = await startRedis();
    const redis = createClient({ url: server.url, socket: { reconnectStrategy: 50 } });
    redis.on("error", () => {});
    await redis.connect();
    try {
      await redis.set("k", "v");
      await server.stop({ kill: true });
      await server.start();
      expect(await redis.get("k")).toBe("v");
    } finally {
      redis.destroy();
    }
  });
});
