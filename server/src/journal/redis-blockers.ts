import type { RedisClient } from "../backends/redis.ts";
import { nodeOf, openBlocking, type BlockingConnection } from "../backends/redis-nodes.ts";

/**
 * Connections for blocking reads (XREADGROUP BLOCK), pooled by the node they
 * go to: blocking the shared client would stall every command, and opening
 * a connection per read would cost two round trips each. A read takes an
 * idle connection to the node that holds its stream (on a Redis Cluster,
 * the master of its slot) or opens one; at most `maxIdle` per node wait.
 */
export class BlockerPool {
  private readonly idle = new Map<string, BlockingConnection[]>();
  private readonly all = new Set<BlockingConnection>();

  constructor(
    private readonly client: RedisClient,
    private readonly maxIdle = 8,
  ) {}

  async acquire(stream: string): Promise<BlockingConnection> {
    const idle = this.idle.get(nodeOf(this.client, stream))?.pop();
    if (idle?.client.isReady) return idle;
    if (idle) this.discard(idle);
    const conn = await openBlocking(this.client, stream);
    this.all.add(conn);
    return conn;
  }

  release(conn: BlockingConnection): void {
    let idle = this.idle.get(conn.node);
    if (!idle) this.idle.set(conn.node, (idle = []));
    if (conn.client.isReady && idle.length < this.maxIdle) idle.push(conn);
    else this.discard(conn);
  }

  /** Closes `conn` for good (e.g. it talks to a node that no longer holds its stream). */
  discard(conn: BlockingConnection): void {
    this.all.delete(conn);
    conn.close();
  }

  close(): void {
    for (const conn of this.all) this.discard(conn);
    this.idle.clear();
  }
}
