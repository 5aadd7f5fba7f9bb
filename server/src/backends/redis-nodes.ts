import { ConnectionTimeoutError, ErrorReply, type RedisClusterType } from "redis";
import { isCluster, type RedisClient, type RedisNodeClient } from "./redis.ts";

/**
 * What differs between a standalone Redis and a Redis Cluster, in one place,
 * so the adapters keep one code path:
 * - raw commands and scripts go to the master of their first key's slot
 *   (`sendKeyed`); a standalone server is the master of every slot;
 * - a blocking read runs on a connection of its own to the master that
 *   holds its key, and is woken by CLIENT UNBLOCK sent to that same node
 *   (`openBlocking`);
 * - listings (SCAN) visit every master (`masterClients`).
 * Standalone, each of these is what the code did before clusters: the shared
 * client, one duplicate connection, one node.
 */

/** Sends a raw command naming `firstKey` to the master of its slot; replies and errors as `sendCommand`'s. */
export function sendKeyed<T = unknown>(client: RedisClient, firstKey: string, args: string[]): Promise<T> {
  return isCluster(client) ? client.sendCommand<T>(firstKey, false, args) : (client.sendCommand(args) as Promise<T>);
}

/** The node clients of every master (standalone: the client itself), each connected. */
export async function masterClients(client: RedisClient): Promise<RedisNodeClient[]> {
  if (!isCluster(client)) return [client];
  const masters = client.masters;
  if (masters.length === 0) throw new Error("redis cluster: topology not discovered yet");
  return (await Promise.all(masters.map((m) => client.nodeClient(m)))) as RedisNodeClient[];
}

const utf8 = new TextEncoder();

/** Redis Cluster's hash slot of `key` (CRC16 of the key, or of its first non-empty `{tag}`, mod 16384). */
export function slotOf(key: string): number {
  const open = key.indexOf("{");
  if (open !== -1) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of utf8.encode(key)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** The group `key` belongs to for commands that must stay in one slot: its slot on a cluster, one group standalone. */
export function slotGroupOf(client: RedisClient, key: string): number {
  return isCluster(client) ? slotOf(key) : 0;
}

/**
 * A connection of its own for blocking reads (XREAD/XREADGROUP BLOCK) of
 * keys on one node. Standalone it is a duplicate of the shared client; on a
 * cluster, a connection to the master that held the key's slot when it was
 * opened: after a failover or a resharding its reads answer MOVED or fail,
 * and the caller closes it and opens another, which goes to the new master.
 */
export interface BlockingConnection {
  readonly client: RedisNodeClient;
  /** `host:port` of its node (standalone: `standalone`): connections to one node can be pooled. */
  readonly node: string;
  /**
   * Wakes the blocking command it runs now (CLIENT UNBLOCK, sent to its own
   * node over the shared connection). Only wakes a command Redis is already
   * blocking; never rejects.
   */
  unblock(): Promise<void>;
  close(): void;
}

/**
 * Opens a blocking connection to the master of `key`'s slot; rejects
 * (ConnectionTimeoutError) if it is not connected within `timeoutMs`.
 * `disableOfflineQueue`: a command sent while it reconnects fails at once
 * instead of waiting.
 */
export async function openBlocking(client: RedisClient, key: string, { timeoutMs = 2_000 }: { timeoutMs?: number } = {}): Promise<BlockingConnection> {
  let timer: Timer | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ConnectionTimeoutError()), timeoutMs)));
  try {
    return await Promise.race([deadline, openOn(client, key, deadline)]);
  } finally {
    clearTimeout(timer);
  }
}

async function openOn(client: RedisClient, key: string, deadline: Promise<never>): Promise<BlockingConnection> {
  if (!isCluster(client)) return connectBlocking(client.duplicate({ disableOfflineQueue: true }) as RedisNodeClient, "standalone", deadline, async () => client as RedisNodeClient);
  const master = masterOf(client, key);
  const control = (await client.nodeClient(master)) as RedisNodeClient;
  const address = master.address;
  return connectBlocking(control.duplicate({ disableOfflineQueue: true }) as RedisNodeClient, address, deadline, async () => {
    // The shared connection to that node, looked up again: a topology refresh replaces node clients.
    const node = client.nodeByAddress.get(address);
    return node ? ((await client.nodeClient(node)) as RedisNodeClient) : undefined;
  });
}

function masterOf(cluster: RedisClusterType, key: string) {
  const shard = cluster.slots[slotOf(key)];
  if (!shard) throw new Error(`redis cluster: no master known for ${key} (topology not discovered yet)`);
  return shard.master;
}

async function connectBlocking(
  conn: RedisNodeClient,
  node: string,
  deadline: Promise<never>,
  control: () => Promise<RedisNodeClient | undefined>,
): Promise<BlockingConnection> {
  conn.on("error", () => {});
  let id: number | undefined;
  try {
    await Promise.race([deadline, conn.connect()]);
    id = await Promise.race([deadline, conn.clientId()]);
    // A reconnection is a new connection: its id for CLIENT UNBLOCK is asked again.
    conn.on("ready", () => void conn.clientId().then((n) => (id = n), () => (id = undefined)));
  } catch (error) {
    destroyQuietly(conn);
    throw error;
  }
  return {
    client: conn,
    node,
    async unblock() {
      if (id === undefined) return;
      try {
        await (await control())?.sendCommand(["CLIENT", "UNBLOCK", String(id)]);
      } catch {
        // The node is away: the read fails or times out by itself.
      }
    },
    close: () => destroyQuietly(conn),
  };
}

function destroyQuietly(conn: RedisNodeClient): void {
  try {
    conn.destroy();
  } catch {
    // already closed
  }
}

/** The node that holds `key`'s slot now, as `host:port` (standalone: `standalone`), e.g. to pool blocking connections by node. */
export function nodeOf(client: RedisClient, key: string): string {
  return isCluster(client) ? masterOf(client, key).address : "standalone";
}

/**
 * Whether a blocking connection's failure means it talks to the wrong node
 * now (MOVED/ASK after a failover or a resharding): then the caller drops
 * it, and `refreshRoute` has the cluster client learn the new topology.
 */
export function isRedirect(error: unknown): boolean {
  return error instanceof Error && /^(MOVED|ASK) /.test(error.message);
}

/** Has the cluster client look `key` up again (its MOVED handling rediscovers the topology); never rejects. */
export async function refreshRoute(client: RedisClient, key: string): Promise<void> {
  if (!isCluster(client)) return;
  await client.sendCommand(key, true, ["EXISTS", key]).catch(() => {});
}

/**
 * Sends `args` on the shared connection to the master of `key`'s slot as
 * is, for connection-scoped commands such as WAIT (which covers the writes
 * made on that connection): the cluster client would spread a keyless
 * command over every shard.
 */
export async function sendOnNodeOf<T = unknown>(client: RedisClient, key: string, args: string[]): Promise<T> {
  const node = isCluster(client) ? ((await client.getNodeClientForKey(key)) as RedisNodeClient) : client;
  return node.sendCommand(args) as Promise<T>;
}

/** Why a standalone client on a cluster node cannot work. */
export const MISCONFIGURED_CLUSTER = "this Redis is a node of a Redis Cluster: set JOURNAL_REDIS_CLUSTER=true";

/**
 * Health probe: INFO cluster standalone (down, saying so, if the server is a
 * cluster node); on a cluster, CLUSTER INFO on every master,
 * rejecting with the reason (a master unreachable, `cluster_state:fail`
 * while a failover runs, or no topology yet) so /health reports it.
 */
export async function probeRedis(client: RedisClient): Promise<{ masters?: number }> {
  if (!isCluster(client)) {
    // A cluster node answers PING but MOVED for most keys: say what to set instead. A user without INFO (an ACL) gets PING.
    const info = await client.sendCommand(["INFO", "cluster"]).catch(async (error: unknown) => {
      if (!(error instanceof ErrorReply)) throw error;
      await client.ping();
      return "";
    });
    if (/cluster_enabled:1/.test(String(info))) throw new Error(MISCONFIGURED_CLUSTER);
    return {};
  }
  if (!client.isReady) throw new Error("redis cluster: topology not discovered yet");
  const masters = client.masters;
  await Promise.all(
    masters.map(async (master) => {
      let info: string;
      try {
        const node = (await client.nodeClient(master)) as RedisNodeClient;
        info = String(await node.sendCommand(["CLUSTER", "INFO"]));
      } catch (error) {
        throw new Error(`master ${master.address}: ${(error as Error).message}`);
      }
      const state = /cluster_state:(\w+)/.exec(info)?.[1];
      if (state !== "ok") throw new Error(`master ${master.address}: cluster_state:${state ?? "unknown"}`);
    }),
  );
  return { masters: masters.length };
}

/**
 * Wakes `conn`'s blocking read when `signal` aborts, and keeps waking it every
 * 50 ms until the returned function is called (when the read has returned):
 * CLIENT UNBLOCK only wakes a command Redis is already blocking, so an abort
 * that lands between sending the read and Redis running it would otherwise be
 * lost. Call it after the last `await` before the read, with the signal
 * checked there: an abort before it is the caller's to honour.
 */
export function wakeOnAbort(signal: AbortSignal | undefined, conn: Pick<BlockingConnection, "unblock">): () => void {
  if (!signal) return () => {};
  let timer: Timer | undefined;
  const wake = () => {
    void conn.unblock();
    timer = setInterval(() => void conn.unblock(), 50);
  };
  signal.addEventListener("abort", wake, { once: true });
  return () => {
    signal.removeEventListener("abort", wake);
    clearInterval(timer);
  };
}
