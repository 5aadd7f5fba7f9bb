import { createClient, createCluster, type RedisClientType, type RedisClusterType } from "redis";
import { tracingChannelsAsOnNode } from "./tracing-channels.ts";
import type { Logger } from "../log.ts";

/** One connection to one Redis node: a standalone server, or one node of a cluster. */
export type RedisNodeClient = RedisClientType;

/**
 * What the server sends keyed commands on: a standalone client, or a Redis
 * Cluster client, which sends each command to the master of its key's slot
 * and follows MOVED/ASK redirections. Commands that are not keyed by one
 * slot (raw commands, scripts, SCAN, blocking reads, CLIENT UNBLOCK) go
 * through redis-nodes.ts, which knows the difference.
 */
export type RedisClient = RedisClientType | RedisClusterType;

/** Whether `client` is a Redis Cluster client. */
export function isCluster(client: RedisClient): client is RedisClusterType {
  return typeof (client as RedisClusterType).getNodeClientForKey === "function";
}

/** Resolves when `client` is ready, or after `timeoutMs` (then the caller runs degraded and the client keeps trying). */
export async function redisReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.isReady) return true;
  return new Promise((resolve) => {
    // A cluster client says `connect` once it has discovered the topology; a node client says `ready`.
    const event = isCluster(client) ? "connect" : "ready";
    const timer = setTimeout(() => done(false), timeoutMs);
    const onReady = () => done(true);
    client.once(event, onReady);
    function done(ready: boolean) {
      clearTimeout(timer);
      client.off(event, onReady);
      resolve(ready);
    }
  });
}

const backoff = (retries: number) => Math.min(50 * 2 ** retries, 2_000);

/**
 * A node-redis client that reconnects forever with capped exponential
 * backoff and never crashes the process on a connection error: errors are
 * logged once per outage, and commands issued while disconnected fail fast
 * (`disableOfflineQueue`) so callers can fall back (the journal spools).
 * Connecting starts here but is not awaited; `/health` reports the state.
 *
 * With `cluster`, a Redis Cluster client over those seed nodes (any node of
 * the cluster will do; more seeds survive one being down at start): the
 * topology is discovered once connected and again after MOVED or a node's
 * reconnection; until a first discovery succeeds it is retried with the
 * same backoff. Credentials and TLS of the first seed apply to every node.
 */
export function connectRedis(url: string, logger: Logger, { name = "redis", cluster }: { name?: string; cluster?: { nodes: string[] } } = {}): RedisClient {
  tracingChannelsAsOnNode();
  if (cluster) return connectCluster(cluster.nodes.length > 0 ? cluster.nodes : [url], logger, name);
  let down = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: backoff },
  }) as RedisNodeClient;
  client.on("error", (error: Error) => {
    if (!down) logger.warn({ err: error.message, dependency: name }, "redis connection lost; reconnecting");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger.info({ dependency: name }, "redis connection restored");
    down = false;
    // A cluster node reached without JOURNAL_REDIS_CLUSTER answers MOVED for most keys: say so at once.
    void client.sendCommand(["INFO", "cluster"]).then(
      (info) => {
        if (/cluster_enabled:1/.test(String(info))) logger.error({ dependency: name }, "this Redis is a node of a Redis Cluster: set JOURNAL_REDIS_CLUSTER=true");
      },
      () => {},
    );
  });
  client.connect().catch((error: Error) => {
    logger.warn({ err: error.message, dependency: name }, "redis connect failed");
  });
  return client;
}

function connectCluster(nodes: string[], logger: Logger, name: string): RedisClusterType {
  const first = new URL(nodes[0]!);
  const cluster = createCluster({
    rootNodes: nodes.map((url) => ({ url })),
    defaults: {
      disableOfflineQueue: true,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      socket: { connectTimeout: 2_000, reconnectStrategy: backoff, ...(first.protocol === "rediss:" ? { tls: true as const } : {}) },
    },
  }) as RedisClusterType;
  const downNodes = new Set<string>();
  cluster.on("error", (error: Error) => logger.warn({ err: error.message, dependency: name }, "redis cluster: topology discovery failed"));
  cluster.on("node-error", (error: Error, node: { host?: string; port?: number }) => {
    const address = `${node?.host}:${node?.port}`;
    if (!downNodes.has(address)) logger.warn({ err: error.message, dependency: name, node: address }, "redis cluster node connection lost; reconnecting");
    downNodes.add(address);
  });
  cluster.on("node-ready", (node: { host?: string; port?: number }) => {
    const address = `${node?.host}:${node?.port}`;
    if (downNodes.delete(address)) logger.info({ dependency: name, node: address }, "redis cluster node connection restored");
  });
  let closed = false;
  let attempt = 0;
  const connect = (): void => {
    cluster.connect().then(
      () => logger.info({ dependency: name, masters: cluster.masters.length }, "redis cluster topology discovered"),
      (error: Error) => {
        if (closed) return;
        if (attempt === 0) logger.warn({ err: error.message, dependency: name }, "redis cluster connect failed; retrying");
        setTimeout(connect, backoff(attempt++));
      },
    );
  };
  const destroy = cluster.destroy.bind(cluster);
  cluster.destroy = () => {
    closed = true;
    return destroy();
  };
  connect();
  return cluster;
}
