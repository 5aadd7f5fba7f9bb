import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  test("defaults to the embedded backends on :8080", () => {
    const config = loadConfig({});
    expect(config.server).toEqual({ hostname: "0.0.0.0", port: 8080 });
    expect(config.redisUri).toBeUndefined();
    expect(config.mongoUri).toBeUndefined();
    expect(config.dataDir).toBe("./data");
    expect(config.logLevel).toBe("info");
  });

  test("accepts host:port, :port and bracketed IPv6", () => {
    expect(loadConfig({ SERVER_ADDRESS: "127.0.0.1:9000" }).server).toEqual({ hostname: "127.0.0.1", port: 9000 });
    expect(loadConfig({ SERVER_ADDRESS: ":0" }).server).toEqual({ hostname: "0.0.0.0", port: 0 });
    expect(loadConfig({ SERVER_ADDRESS: "[::1]:81" }).server).toEqual({ hostname: "::1", port: 81 });
  });

  test("MONGO_URI is an alias and VRML_REDIS_URI a fallback", () => {
    const config = loadConfig({ MONGO_URI: "mongodb://h:1/db", VRML_REDIS_URI: "redis://h:2/0" });
    expect(config.mongoUri).toBe("mongodb://h:1/db");
    expect(config.redisUri).toBe("redis://h:2/0");
    const both = loadConfig({
      MONGODB_URI: "mongodb://a/x",
      MONGO_URI: "mongodb://b/y",
      JOURNAL_REDIS_URI: "redis://a/1",
      VRML_REDIS_URI: "redis://b/0",
    });
    expect(both.mongoUri).toBe("mongodb://a/x");
    expect(both.redisUri).toBe("redis://a/1");
  });

  test("the MongoDB database is MONGODB_DATABASE, else the URI's path, else gamejournal", () => {
    expect(loadConfig({}).mongoDatabase).toBe("gamejournal");
    expect(loadConfig({ MONGODB_URI: "mongodb://h:1/" }).mongoDatabase).toBe("gamejournal");
    expect(loadConfig({ MONGODB_URI: "mongodb://h:1/events" }).mongoDatabase).toBe("events");
    expect(loadConfig({ MONGODB_URI: "mongodb://u:p%2F@a:1/ev%20ents?replicaSet=rs" }).mongoDatabase).toBe("ev ents");
    expect(loadConfig({ MONGODB_URI: "mongodb+srv://cluster.example.com/?retryWrites=true" }).mongoDatabase).toBe("gamejournal");
    expect(loadConfig({ MONGODB_URI: "mongodb://h:1/events", MONGODB_DATABASE: "other" }).mongoDatabase).toBe("other");
  });

  test("session events live in session_events unless SESSION_EVENTS_COLLECTION names another", () => {
    expect(loadConfig({}).sessionEventsCollection).toBe("session_events");
    expect(loadConfig({ SESSION_EVENTS_COLLECTION: "frames_v2" }).sessionEventsCollection).toBe("frames_v2");
  });

  test("accepts a replica set's host list and SRV URIs for MongoDB", () => {
    expect(loadConfig({ MONGODB_URI: "mongodb://a:1,b:2/db?replicaSet=rs" }).mongoUri).toBe("mongodb://a:1,b:2/db?replicaSet=rs");
    expect(loadConfig({ MONGODB_URI: "mongodb+srv://u:p%40ss@cluster0.example.net/db" }).mongoDatabase).toBe("db");
  });

  test("empty values count as unset", () => {
    expect(loadConfig({ JOURNAL_REDIS_URI: "", SERVER_ADDRESS: "" }).redisUri).toBeUndefined();
  });

  test.each([
    ["SERVER_ADDRESS", "8080", /host:port/],
    ["SERVER_ADDRESS", ":99999", /host:port/],
    ["MONGODB_URI", "http://x", /mongodb:\/\//],
    ["JOURNAL_REDIS_URI", "localhost:6379", /redis:\/\//],
    ["LOG_LEVEL", "loud", /info/],
    ["JWT_SECRET", "short", /16 characters/],
    ["MONGODB_DATABASE", "a/b", /63 characters/],
    ["SESSION_EVENTS_COLLECTION", "session-events", /letters, digits/],
    ["WORKER_CONSUMER_NAME", "two words", /letters, digits and/],
    ["MATCH_PARTITIONS", "0", /too small|>0|positive/i],
    ["MATCH_PARTITIONS", "300", /at most 256/],
    ["MATCH_PARTITIONS", "eight", /number/i],
  ])("rejects %s=%s naming the variable", (variable, value, reason) => {
    try {
      loadConfig({ [variable]: value });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.variable).toBe(variable);
      expect(e.message).toStartWith(`config: ${variable}: `);
      expect(e.message).toMatch(reason);
      expect(e.message).not.toContain("\n");
    }
  });
  test("Redis Cluster: off by default; on, the URI is the first seed node and further nodes follow", () => {
    expect(loadConfig({ JOURNAL_REDIS_URI: "redis://a:1" }).redisCluster).toBeUndefined();
    const config = loadConfig({ JOURNAL_REDIS_URI: "redis://a:1", JOURNAL_REDIS_CLUSTER: "true", JOURNAL_REDIS_CLUSTER_NODES: "redis://b:2, redis://c:3" });
    expect(config.redisCluster).toEqual({ nodes: ["redis://a:1", "redis://b:2", "redis://c:3"] });
    expect(config.redisWait).toEqual({ replicas: 0, timeoutMs: 1_000 });
    expect(loadConfig({ JOURNAL_REDIS_URI: "redis://a:1", JOURNAL_REDIS_WAIT_REPLICAS: "1", JOURNAL_REDIS_WAIT_TIMEOUT_MS: "250" }).redisWait).toEqual({ replicas: 1, timeoutMs: 250 });
  });

  test.each([
    [{ JOURNAL_REDIS_CLUSTER: "yes", JOURNAL_REDIS_URI: "redis://a:1" }, "JOURNAL_REDIS_CLUSTER", /"true" or "false"/],
    [{ JOURNAL_REDIS_CLUSTER: "true" }, "JOURNAL_REDIS_CLUSTER", /no JOURNAL_REDIS_URI/],
    [{ JOURNAL_REDIS_URI: "redis://a:1", JOURNAL_REDIS_CLUSTER_NODES: "redis://b:2" }, "JOURNAL_REDIS_CLUSTER_NODES", /JOURNAL_REDIS_CLUSTER is not true/],
    [{ JOURNAL_REDIS_URI: "redis://a:1", JOURNAL_REDIS_CLUSTER: "true", JOURNAL_REDIS_CLUSTER_NODES: "b:2" }, "JOURNAL_REDIS_CLUSTER_NODES", /redis:\/\/host:port/],
    [{ JOURNAL_REDIS_WAIT_REPLICAS: "1" }, "JOURNAL_REDIS_WAIT_REPLICAS", /needs a Redis journal/],
    [{ JOURNAL_REDIS_URI: "redis://a:1", JOURNAL_REDIS_WAIT_REPLICAS: "-1" }, "JOURNAL_REDIS_WAIT_REPLICAS", /0/],
  ])("rejects a bad Redis Cluster or WAIT setting %#, naming the variable", (env, variable, reason) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(reason);
    }
  });

  test("rate limits are on by default with AUTH_MODE=token, off with open, and settable either way", () => {
    expect(loadConfig({}).rateLimits).toEqual({ ingestPerSecond: 5_000, readPerSecond: 2_000, ipPerSecond: 10_000 });
    expect(loadConfig({ AUTH_MODE: "open" }).rateLimits).toEqual({ ingestPerSecond: 0, readPerSecond: 0, ipPerSecond: 0 });
    expect(loadConfig({ AUTH_MODE: "open", RATE_LIMIT_READ_PER_SECOND: "5" }).rateLimits.readPerSecond).toBe(5);
    expect(loadConfig({ RATE_LIMIT_INGEST_PER_SECOND: "0" }).rateLimits.ingestPerSecond).toBe(0);
  });

  test("CORS_ORIGINS is a list of origins or *; none by default; anything else stops the start naming it", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: "https://a.example, http://localhost:3000" }).corsOrigins).toEqual(["https://a.example", "http://localhost:3000"]);
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    expect(() => loadConfig({ CORS_ORIGINS: "https://a.example/path" })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ JSON_MAX_DEPTH: "100" })).toThrow(/JSON_MAX_DEPTH: must be at most 90/);
  });

  test("match summarization has 1 partition unless MATCH_PARTITIONS says otherwise", () => {
    expect(loadConfig({}).matches.partitions).toBe(1);
    expect(loadConfig({ JOURNAL_REDIS_URI: "redis://h:1" }).matches.partitions).toBe(1);
    expect(loadConfig({ MATCH_PARTITIONS: "3" }).matches.partitions).toBe(3);
    expect(loadConfig({ JOURNAL_REDIS_URI: "redis://h:1", MATCH_PARTITIONS: "8" }).matches.partitions).toBe(8);
    expect(loadConfig({}).matches.leaseTtlMs).toBe(15_000);
  });

  test("the workers' consumer name is generated at start unless WORKER_CONSUMER_NAME names one", () => {
    expect(loadConfig({}).workers).toEqual({ enabled: true, consumerName: undefined, reclaimIdleMs: 30_000, consumerExpiryMs: 86_400_000 });
    expect(loadConfig({ WORKER_CONSUMER_NAME: "eu-1:worker-a" }).workers.consumerName).toBe("eu-1:worker-a");
  });

  test("WORKERS_ENABLED=false serves the API only, and only beside a Redis journal other instances' workers read", () => {
    expect(loadConfig({ JOURNAL_REDIS_URI: "redis://h:1", WORKERS_ENABLED: "false" }).workers.enabled).toBe(false);
    expect(loadConfig({ WORKERS_ENABLED: "true" }).workers.enabled).toBe(true);
    expect(() => loadConfig({ WORKERS_ENABLED: "false" })).toThrow(/WORKERS_ENABLED: is false but the journal is embedded/);
    expect(() => loadConfig({ JOURNAL_REDIS_URI: "redis://h:1", WORKERS_ENABLED: "no" })).toThrow(/WORKERS_ENABLED: must be "true" or "false"/);
  });
});
