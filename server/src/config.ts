import { z } from "zod";
import { databaseNameOf } from "./backends/mongo.ts";
import { ConfigError } from "./config-error.ts";
import { GAME_SETTING_VARIABLES, GameSettingsError, loadGameSettings, type GameSettings } from "./games/rules/settings.ts";
import { parseLobbyConfig, type LobbyConfig } from "./lobby/config.ts";

/**
 * Every setting comes from the environment, is parsed once at start-up and is
 * validated here; a bad value stops the process (exit code 2) with one line
 * naming the variable. Names are the seeds' (000, 001, 002). There is no
 * silent fallback to a made-up connection string: with no Redis or MongoDB
 * variable set, the server runs on the embedded SQLite backends.
 */

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** `host:port` or `:port` (seed 001: `SERVER_ADDRESS`, default `:8080`). */
const address = z.string().transform((value, ctx) => {
  const match = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) {
    ctx.addIssue({ code: "custom", message: `expected host:port or :port, got "${value}"` });
    return z.NEVER;
  }
  const host = match[1]!.replace(/^\[|\]$/g, "");
  return { hostname: host === "" ? "0.0.0.0" : host, port };
});

/**
 * A URL with one of `schemes`. MongoDB URIs are checked by their scheme and
 * shape only: a replica set's host list (`mongodb://a:1,b:2/db`) is not a
 * URL the WHATWG parser accepts; the driver parses them fully.
 */
const url = (schemes: string[]) =>
  z.string().refine(
    (value) => {
      if (schemes.some((s) => s.startsWith("mongodb"))) {
        return /^mongodb(\+srv)?:\/\/[^\s/]+(\/[^\s]*)?$/.test(value);
      }
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a ${schemes.map((s) => s.replace(/:$/, "://")).join(" or ")} URL` },
  );

const positiveInt = z.coerce.number().int().positive();
/** A whole number from 0 (0: off). */
const countOrOff = z.coerce.number().int().min(0);

/** A comma-separated list of redis:// or rediss:// URLs. */
const redisUrls = z.string().transform((value, ctx) => {
  const list = value.split(",").map((u) => u.trim()).filter(Boolean);
  for (const item of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(item);
    } catch {}
    if (!parsed || !["redis:", "rediss:"].includes(parsed.protocol) || !parsed.port) {
      ctx.addIssue({ code: "custom", message: `expected comma-separated redis://host:port URLs, got "${item}"` });
      return z.NEVER;
    }
  }
  return list;
});

/** `*` or a comma-separated list of origins (`https://app.example.com`), each a scheme, host and optional port. */
const origins = z.string().transform((value, ctx) => {
  const list = value.split(",").map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    if (origin === "*") continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || parsed.origin !== origin) {
      ctx.addIssue({ code: "custom", message: `expected origins such as https://app.example.com (scheme, host, port; no path), or *; got "${origin}"` });
      return z.NEVER;
    }
  }
  return list;
});

/** The raw environment variables, one per field. */
const envSchema = z.object({
  /** HTTP, WebSocket and SSE listen address. */
  SERVER_ADDRESS: address.prefault(":8080"),
  /** MongoDB for session events and match summaries; unset: embedded SQLite. */
  MONGODB_URI: url(["mongodb:", "mongodb+srv:"]).optional(),
  /** Seed 001's name for MONGODB_URI; used when MONGODB_URI is unset. */
  MONGO_URI: url(["mongodb:", "mongodb+srv:"]).optional(),
  /** MongoDB database name; unset: the one in the MongoDB URI's path, else `gamejournal`. */
  MONGODB_DATABASE: z.string().regex(/^[^/\\. "$*<>:|?]{1,63}$/, "must be 1 to 63 characters without /\\. \"$*<>:|?").optional(),
  /** Collection (SQLite: table) of session events. */
  SESSION_EVENTS_COLLECTION: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,119}$/, "must be letters, digits and _, not starting with a digit").default("session_events"),
  /** Redis for the journal and live fanout; unset: embedded SQLite. */
  JOURNAL_REDIS_URI: url(["redis:", "rediss:"]).optional(),
  /** Seed 000's existing Redis, reused for journaling when JOURNAL_REDIS_URI is unset. */
  VRML_REDIS_URI: url(["redis:", "rediss:"]).optional(),
  /** `true`: the Redis URI names a node of a Redis Cluster, and the server talks to the cluster. */
  JOURNAL_REDIS_CLUSTER: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("false"),
  /** Further cluster nodes to discover the topology from, comma-separated Redis URIs (JOURNAL_REDIS_CLUSTER=true only). */
  JOURNAL_REDIS_CLUSTER_NODES: redisUrls.optional(),
  /** Replicas (WAIT) that must acknowledge an append before it is answered; 0: none. */
  JOURNAL_REDIS_WAIT_REPLICAS: countOrOff.max(16, "must be at most 16").default(0),
  /** How long an append waits for those replicas, in ms. */
  JOURNAL_REDIS_WAIT_TIMEOUT_MS: positiveInt.max(60_000, "must be at most 60000").default(1_000),
  /** Where the embedded databases, the spool and the generated JWT secret live. */
  DATA_DIR: z.string().min(1).default("./data"),
  /** HS256 secret for tokens; unset: generated once and kept in DATA_DIR. */
  JWT_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** `token`: every write and non-public read needs a credential with the right scope; `open`: no scopes (a private network). */
  AUTH_MODE: z.enum(["token", "open"], { error: 'must be "token" or "open"' }).default("token"),
  /** Longest lifetime a token may have, in seconds; longer tokens are refused. */
  TOKEN_MAX_TTL_SECONDS: positiveInt.default(30 * 86_400),
  /** pino log level. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Seconds a graceful shutdown may take before connections are dropped. */
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt.default(4),
  /** How long the journal remembers an idempotency key, in seconds. */
  JOURNAL_IDEMPOTENCY_WINDOW_SECONDS: positiveInt.default(24 * 3600),
  /** Largest accepted event, as JSON bytes (413 above). */
  JOURNAL_MAX_EVENT_BYTES: positiveInt.default(64 * 1024),
  /** Most events in one append call (413 above). */
  JOURNAL_MAX_BATCH: positiveInt.default(1_000),
  /** Largest telemetry frame accepted, as JSON bytes (frames with player bones are large). */
  FRAME_MAX_BYTES: positiveInt.default(1024 * 1024),
  /** Events kept per lobby stream: how far back a live subscriber can resume. */
  TELEMETRY_LOBBY_STREAM_MAXLEN: positiveInt.default(10_000),
  /** Events held for a live subscriber that stopped reading before it is disconnected. */
  TELEMETRY_SUBSCRIBER_BUFFER: positiveInt.default(1_000),
  /** Seconds a lobby subscription stays active without renewal (removed after twice that). */
  TELEMETRY_SUBSCRIPTION_TTL_SECONDS: positiveInt.default(60),
  /** Seconds without any event after which a match is ended and summarised. */
  MATCH_INACTIVITY_TIMEOUT_SECONDS: positiveInt.default(300),
  /** Largest HTTP request body, in bytes; counted while it is read. */
  HTTP_MAX_BODY_BYTES: positiveInt.default(10 * 1024 * 1024),
  /** Largest WebSocket message, in bytes (Bun closes the socket past it, code 1009). */
  WS_MAX_MESSAGE_BYTES: positiveInt.default(16 * 1024 * 1024),
  /** Deepest JSON nesting in a body or message; below MongoDB's 100 levels, with room for the stored document around it. */
  JSON_MAX_DEPTH: positiveInt.max(90, "must be at most 90 (MongoDB stores at most 100 levels)").default(32),
  /** Longest JSON string (key or value) in a body or message, in bytes. */
  JSON_MAX_STRING_BYTES: positiveInt.default(64 * 1024),
  /** Most keys in one JSON object of a body or message. */
  JSON_MAX_KEYS: positiveInt.default(1_000),
  /** Deepest selection of a GraphQL operation. */
  GRAPHQL_MAX_DEPTH: positiveInt.default(10),
  /** Most aliases in a GraphQL operation. */
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  /** Most tokens in a GraphQL document (checked while it is parsed). */
  GRAPHQL_MAX_TOKENS: positiveInt.default(2_000),
  /** Highest cost of a GraphQL operation (graphql-armor's: objects 2, scalars 1, times depth). */
  GRAPHQL_MAX_COST: positiveInt.default(5_000),
  /** Most subscriptions open at once on one tRPC WebSocket. */
  WS_MAX_SUBSCRIPTIONS: positiveInt.default(100),
  /** Writes per second per credential (token bucket, bursts of twice that); 0: off. Default 5000 in AUTH_MODE=token, off in open. */
  RATE_LIMIT_INGEST_PER_SECOND: countOrOff.optional(),
  /** Reads per second per credential (token bucket, bursts of twice that); 0: off. Default 2000 in AUTH_MODE=token, off in open. */
  RATE_LIMIT_READ_PER_SECOND: countOrOff.optional(),
  /** Rate-limited requests per second per client address, writes and reads together; 0: off. Default 10000 in AUTH_MODE=token, off in open. */
  RATE_LIMIT_IP_PER_SECOND: countOrOff.optional(),
  /** Origins whose web pages may call the API from a browser (CORS); unset: none. */
  CORS_ORIGINS: origins.optional(),
  /** Events waiting in the Redis spool above which GET /ready answers 503. */
  READY_MAX_SPOOL_DEPTH: countOrOff.default(10_000),
  /** Seconds a built-in worker may wait on one step (a read, a handler) before the watchdog restarts it. */
  WORKER_STALL_TIMEOUT_SECONDS: positiveInt.default(60),
  /** Seconds the lobby's gm events worker lease lives without renewal (Redis): how soon another instance takes over. */
  LOBBY_GM_EVENTS_LEASE_TTL_SECONDS: positiveInt.default(15),
  /** This process's consumer name in the workers' consumer groups; unset: `<host>:<pid>:<random>`, new at each start. Must differ between running processes. */
  WORKER_CONSUMER_NAME: z.string().regex(/^[A-Za-z0-9._:@-]{1,120}$/, "must be 1 to 120 letters, digits and ._:@-").optional(),
  /** false: this instance serves the API only and runs none of the built-in workers (others sharing its Redis do). Needs a Redis journal. */
  WORKERS_ENABLED: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("true"),
  /** Seconds an entry stays pending with a consumer (one that died) before another instance claims it. */
  WORKER_RECLAIM_IDLE_SECONDS: positiveInt.default(30),
  /** Seconds a consumer with nothing pending may stay idle before it is removed from its group (XGROUP DELCONSUMER). */
  WORKER_CONSUMER_EXPIRY_SECONDS: positiveInt.default(24 * 3600),
  /** Partitions of match summarization (by a hash of the match id), each folded by one instance at a time (default 1: set the same n > 1 on every instance to spread it over several). */
  MATCH_PARTITIONS: positiveInt.max(256, "must be at most 256").optional(),
  /** Seconds a match partition's lease lives without renewal (Redis): how soon another instance takes over a dead one's partitions. */
  MATCH_PARTITION_LEASE_TTL_SECONDS: positiveInt.default(15),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated, typed configuration the server runs with. */
export interface Config {
  server: { hostname: string; port: number };
  /** Set: MongoDB is the document store. */
  mongoUri: string | undefined;
  /** The MongoDB database: MONGODB_DATABASE, else the URI's path, else `gamejournal`. */
  mongoDatabase: string;
  /** Collection (SQLite: table) of session events. */
  sessionEventsCollection: string;
  /** Set: Redis Streams is the journal. */
  redisUri: string | undefined;
  /** Redis Cluster: set when JOURNAL_REDIS_CLUSTER=true, with every seed node (the URI's first). */
  redisCluster: { nodes: string[] } | undefined;
  /** Replicas an append waits for (Redis WAIT) and for how long; 0 replicas: no wait. */
  redisWait: { replicas: number; timeoutMs: number };
  dataDir: string;
  jwtSecret: string | undefined;
  auth: { mode: "token" | "open"; maxTokenTtlSeconds: number };
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  journal: { idempotencyWindowMs: number; maxEventBytes: number; maxBatch: number };
  frameMaxBytes: number;
  telemetry: { lobbyStreamMaxLen: number; subscriberBuffer: number; ttlMs: number };
  /** Match summarization: the inactivity timeout, the partitions and their leases' TTL (see matches/partition.ts). */
  matches: { inactivityMs: number; partitions: number; leaseTtlMs: number };
  /** Limits on what a request or message may hold (see http/body-guard.ts, http/json-limits.ts). */
  limits: {
    maxBodyBytes: number;
    wsMaxMessageBytes: number;
    json: { maxDepth: number; maxStringBytes: number; maxKeys: number };
    graphql: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number };
    wsMaxSubscriptions: number;
  };
  /** Token buckets, in requests per second (0: off). */
  rateLimits: { ingestPerSecond: number; readPerSecond: number; ipPerSecond: number };
  /** Origins allowed to call from a browser; empty: none. */
  corsOrigins: string[];
  /** Spool depth above which the instance is not ready. */
  readyMaxSpoolDepth: number;
  /** How long a worker may wait on one step before it is restarted. */
  workerStallMs: number;
  /** Built-in workers' consumers: this process's name in their groups (undefined: generated at start), reclaim and expiry. */
  workers: { enabled: boolean; consumerName: string | undefined; reclaimIdleMs: number; consumerExpiryMs: number };
  /** The game rooms' rule numbers (GAME_*), recorded in each game as it is created. */
  games: GameSettings;
  /** The lobby's gm events stream (LOBBY_GM_EVENTS_STREAM) and its worker's lease. */
  lobby: LobbyConfig & { leaseTtlMs: number };
}

export { ConfigError };

/** Parses `env` (normally `process.env`); throws ConfigError on the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as they do in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? "environment"), issue.message);
  }
  const e = parsed.data;
  const mongoUri = e.MONGODB_URI ?? e.MONGO_URI;
  const redisUri = e.JOURNAL_REDIS_URI ?? e.VRML_REDIS_URI;
  if (e.JOURNAL_REDIS_CLUSTER === "true" && !redisUri) throw new ConfigError("JOURNAL_REDIS_CLUSTER", "is true but no JOURNAL_REDIS_URI names a cluster node");
  if (e.JOURNAL_REDIS_CLUSTER_NODES && e.JOURNAL_REDIS_CLUSTER !== "true") {
    throw new ConfigError("JOURNAL_REDIS_CLUSTER_NODES", "is set but JOURNAL_REDIS_CLUSTER is not true");
  }
  if (e.WORKERS_ENABLED === "false" && !redisUri) {
    throw new ConfigError("WORKERS_ENABLED", "is false but the journal is embedded: only this process can run its workers (set JOURNAL_REDIS_URI to share them)");
  }
  if (e.JOURNAL_REDIS_WAIT_REPLICAS > 0 && !redisUri) throw new ConfigError("JOURNAL_REDIS_WAIT_REPLICAS", "needs a Redis journal (JOURNAL_REDIS_URI)");
  let games: GameSettings;
  try {
    games = loadGameSettings(env);
  } catch (error) {
    if (error instanceof GameSettingsError) throw new ConfigError(error.variable, error.reason);
    throw error;
  }
  return {
    server: e.SERVER_ADDRESS,
    mongoUri,
    mongoDatabase: e.MONGODB_DATABASE ?? (mongoUri ? databaseNameOf(mongoUri) : "gamejournal"),
    sessionEventsCollection: e.SESSION_EVENTS_COLLECTION,
    redisUri,
    redisCluster: e.JOURNAL_REDIS_CLUSTER === "true" ? { nodes: [redisUri!, ...(e.JOURNAL_REDIS_CLUSTER_NODES ?? [])] } : undefined,
    redisWait: { replicas: e.JOURNAL_REDIS_WAIT_REPLICAS, timeoutMs: e.JOURNAL_REDIS_WAIT_TIMEOUT_MS },
    dataDir: e.DATA_DIR,
    jwtSecret: e.JWT_SECRET,
    auth: { mode: e.AUTH_MODE, maxTokenTtlSeconds: e.TOKEN_MAX_TTL_SECONDS },
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    journal: {
      idempotencyWindowMs: e.JOURNAL_IDEMPOTENCY_WINDOW_SECONDS * 1000,
      maxEventBytes: e.JOURNAL_MAX_EVENT_BYTES,
      maxBatch: e.JOURNAL_MAX_BATCH,
    },
    frameMaxBytes: e.FRAME_MAX_BYTES,
    telemetry: {
      lobbyStreamMaxLen: e.TELEMETRY_LOBBY_STREAM_MAXLEN,
      subscriberBuffer: e.TELEMETRY_SUBSCRIBER_BUFFER,
      ttlMs: e.TELEMETRY_SUBSCRIPTION_TTL_SECONDS * 1000,
    },
    matches: {
      inactivityMs: e.MATCH_INACTIVITY_TIMEOUT_SECONDS * 1000,
      // Embedded is one process: it would hold every partition, and each partition reads the streams once more.
      partitions: e.MATCH_PARTITIONS ?? 1,
      leaseTtlMs: e.MATCH_PARTITION_LEASE_TTL_SECONDS * 1000,
    },
    limits: {
      maxBodyBytes: e.HTTP_MAX_BODY_BYTES,
      wsMaxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      json: { maxDepth: e.JSON_MAX_DEPTH, maxStringBytes: e.JSON_MAX_STRING_BYTES, maxKeys: e.JSON_MAX_KEYS },
      graphql: { maxDepth: e.GRAPHQL_MAX_DEPTH, maxAliases: e.GRAPHQL_MAX_ALIASES, maxTokens: e.GRAPHQL_MAX_TOKENS, maxCost: e.GRAPHQL_MAX_COST },
      wsMaxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
    },
    // A private network (AUTH_MODE=open) is trusted: no rate limit unless one is set.
    rateLimits: {
      ingestPerSecond: e.RATE_LIMIT_INGEST_PER_SECOND ?? (e.AUTH_MODE === "token" ? 5_000 : 0),
      readPerSecond: e.RATE_LIMIT_READ_PER_SECOND ?? (e.AUTH_MODE === "token" ? 2_000 : 0),
      ipPerSecond: e.RATE_LIMIT_IP_PER_SECOND ?? (e.AUTH_MODE === "token" ? 10_000 : 0),
    },
    corsOrigins: e.CORS_ORIGINS ?? [],
    readyMaxSpoolDepth: e.READY_MAX_SPOOL_DEPTH,
    workerStallMs: e.WORKER_STALL_TIMEOUT_SECONDS * 1000,
    workers: {
      enabled: e.WORKERS_ENABLED === "true",
      consumerName: e.WORKER_CONSUMER_NAME,
      reclaimIdleMs: e.WORKER_RECLAIM_IDLE_SECONDS * 1000,
      consumerExpiryMs: e.WORKER_CONSUMER_EXPIRY_SECONDS * 1000,
    },
    games,
    lobby: { ...parseLobbyConfig(env), leaseTtlMs: e.LOBBY_GM_EVENTS_LEASE_TTL_SECONDS * 1000 },
  };
}

/** The variables `--help` lists, with their one-line meaning. */
export const CONFIG_VARIABLES: ReadonlyArray<[string, string]> = [
  ["SERVER_ADDRESS", "listen address, host:port or :port (default :8080)"],
  ["MONGODB_URI", "MongoDB URI for session events and summaries (alias MONGO_URI; unset: embedded SQLite)"],
  ["MONGODB_DATABASE", "MongoDB database (default: the URI's path, else gamejournal)"],
  ["SESSION_EVENTS_COLLECTION", "collection (SQLite: table) of session events (default session_events)"],
  ["JOURNAL_REDIS_URI", "Redis URI for the journal and fanout (falls back to VRML_REDIS_URI; unset: embedded SQLite)"],
  ["JOURNAL_REDIS_CLUSTER", "true: JOURNAL_REDIS_URI names a Redis Cluster node and the server uses the cluster (default false)"],
  ["JOURNAL_REDIS_CLUSTER_NODES", "further cluster seed nodes, comma-separated redis:// URLs (cluster only)"],
  ["JOURNAL_REDIS_WAIT_REPLICAS", "replicas that must acknowledge an append (Redis WAIT) before it is answered (default 0: none)"],
  ["JOURNAL_REDIS_WAIT_TIMEOUT_MS", "how long an append waits for those replicas, 503 past it (default 1000)"],
  ["DATA_DIR", "directory for embedded data, the spool and the generated JWT secret (default ./data)"],
  ["JWT_SECRET", "HS256 secret for tokens (unset: generated once, kept in DATA_DIR)"],
  ["AUTH_MODE", "token (default): credentials with scopes on every write and non-public read; open: none (private network)"],
  ["TOKEN_MAX_TTL_SECONDS", "longest lifetime a token may have; longer ones are refused (default 2592000, 30 days)"],
  ["LOG_LEVEL", "trace, debug, info, warn, error, fatal or silent (default info)"],
  ["SHUTDOWN_TIMEOUT_SECONDS", "how long a graceful shutdown may take (default 4)"],
  ["JOURNAL_IDEMPOTENCY_WINDOW_SECONDS", "how long an idempotency key is remembered (default 86400)"],
  ["JOURNAL_MAX_EVENT_BYTES", "largest accepted event as JSON bytes, 413 above (default 65536)"],
  ["JOURNAL_MAX_BATCH", "most events in one append call, 413 above (default 1000)"],
  ["FRAME_MAX_BYTES", "largest telemetry frame accepted as JSON bytes, 413 above (default 1048576)"],
  ["TELEMETRY_LOBBY_STREAM_MAXLEN", "events kept per lobby stream for resuming subscribers (default 10000)"],
  ["TELEMETRY_SUBSCRIBER_BUFFER", "events held for a subscriber that stopped reading before it is disconnected (default 1000)"],
  ["MATCH_INACTIVITY_TIMEOUT_SECONDS", "a match with no event for this long is ended and summarised (default 300)"],
  ["TELEMETRY_SUBSCRIPTION_TTL_SECONDS", "a lobby subscription without renewal is inactive after this, removed after twice (default 60)"],
  ["HTTP_MAX_BODY_BYTES", "largest HTTP request body, counted while read, 413 above (default 10485760)"],
  ["WS_MAX_MESSAGE_BYTES", "largest WebSocket message; the socket is closed (1009) above (default 16777216)"],
  ["JSON_MAX_DEPTH", "deepest JSON nesting in a body or message, 400 above (default 32, at most 90)"],
  ["JSON_MAX_STRING_BYTES", "longest JSON string in a body or message, 413 above (default 65536)"],
  ["JSON_MAX_KEYS", "most keys in one JSON object of a body or message, 400 above (default 1000)"],
  ["GRAPHQL_MAX_DEPTH", "deepest GraphQL selection (default 10)"],
  ["GRAPHQL_MAX_ALIASES", "most aliases in a GraphQL operation (default 15)"],
  ["GRAPHQL_MAX_TOKENS", "most tokens in a GraphQL document (default 2000)"],
  ["GRAPHQL_MAX_COST", "highest cost of a GraphQL operation (default 5000)"],
  ["WS_MAX_SUBSCRIPTIONS", "most subscriptions open on one tRPC WebSocket (default 100)"],
  ["RATE_LIMIT_INGEST_PER_SECOND", "writes per second per credential, 429 above; 0 off (default 5000 with AUTH_MODE=token, off with open)"],
  ["RATE_LIMIT_READ_PER_SECOND", "reads per second per credential, 429 above; 0 off (default 2000 with AUTH_MODE=token, off with open)"],
  ["RATE_LIMIT_IP_PER_SECOND", "rate-limited requests per second per client address; 0 off (default 10000 with AUTH_MODE=token, off with open)"],
  ["CORS_ORIGINS", "origins allowed to call from a browser, comma-separated, or * (default none)"],
  ["READY_MAX_SPOOL_DEPTH", "events in the Redis spool above which GET /ready answers 503 (default 10000)"],
  ["WORKER_STALL_TIMEOUT_SECONDS", "a built-in worker stuck this long on one step is restarted (default 60)"],
  ["WORKERS_ENABLED", "false: serve the API only; the built-in workers run on other instances sharing the Redis journal (default true)"],
  ["WORKER_CONSUMER_NAME", "this process's consumer name in the workers' groups, unique per process (default <host>:<pid>:<random>, new at each start)"],
  ["MATCH_PARTITIONS", "partitions of match summarization, each folded by one instance at a time; with Redis and several instances set e.g. 8 on every one to spread it (default 1)"],
  ["MATCH_PARTITION_LEASE_TTL_SECONDS", "with Redis, how soon another instance takes over a dead instance's match partitions (default 15)"],
  ["WORKER_RECLAIM_IDLE_SECONDS", "an entry pending this long with a consumer (one that died) is claimed by another (default 30)"],
  ["WORKER_CONSUMER_EXPIRY_SECONDS", "a consumer idle this long with nothing pending is removed from its group (default 86400)"],
  ...GAME_SETTING_VARIABLES,
  ["LOBBY_GM_EVENTS_STREAM", "the Game Master's lobby events stream the lobby consumes (default gm:lobby_events)"],
  ["LOBBY_GM_EVENTS_LEASE_TTL_SECONDS", "with Redis, how soon another instance takes over the lobby's gm events worker (default 15)"],
];
