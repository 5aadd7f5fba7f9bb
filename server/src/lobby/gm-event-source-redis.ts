import { ErrorReply } from "redis";
import { isCluster, type RedisClient } from "../backends/redis.ts";
import { isRedirect, openBlocking, refreshRoute, wakeOnAbort, type BlockingConnection } from "../backends/redis-nodes.ts";
import { redisReady } from "../backends/redis.ts";
import { UnavailableError } from "../errors.ts";
import type { GmEventSource, GmStreamEntry } from "./gm-event-source.ts";

/** Counts the entries after ARGV[1], at most ARGV[2], without sending them back. */
const BACKLOG = `return #redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])`;

/**
 * The Game Master's Redis stream itself, read with `XREAD BLOCK` on a
 * connection of its own (a blocking read would hold up every other command
 * on a shared one), to the node that holds the stream (on a Redis Cluster,
 * the master of its slot). Aborting the read's signal wakes a blocked XREAD
 * at once (`CLIENT UNBLOCK`, sent to that node). While Redis is unreachable,
 * `read` rejects with UnavailableError after waiting at most `blockMs`
 * (capped at 2 s) for the connection; the dedicated connection keeps
 * reconnecting by itself. On a cluster a failed read drops the connection,
 * so the next read goes to whichever master holds the stream then.
 */
export class RedisGmEventSource implements GmEventSource {
  private conn: BlockingConnection | undefined;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    readonly stream: string,
  ) {
    if (!client) throw new Error("new redis gm event source: no redis client");
    if (typeof stream !== "string" || stream.trim() === "") throw new Error("new redis gm event source: stream must not be empty");
  }

  async read(after: string, { count, blockMs, signal }: { count: number; blockMs: number; signal: AbortSignal }): Promise<GmStreamEntry[]> {
    if (signal.aborted) return [];
    const conn = await this.connection(Math.min(blockMs, 2_000));
    // Aborted while the connection was made: no listener would have heard it.
    if (signal.aborted) return [];
    const stopWaking = wakeOnAbort(signal, conn);
    try {
      const reply = (await conn.client.xRead({ key: this.stream, id: after }, { COUNT: count, BLOCK: blockMs })) as Array<{
        name: string;
        messages: Array<{ id: string; message: Record<string, string> }>;
      }> | null;
      return (reply?.[0]?.messages ?? []).map((m) => ({ id: m.id, fields: m.message }));
    } catch (error) {
      if (isCluster(this.client)) this.dropConnection();
      if (isRedirect(error)) {
        await refreshRoute(this.client, this.stream);
        throw new UnavailableError(`read ${this.stream}: its slot moved to another node; retry`, { cause: error });
      }
      if (error instanceof ErrorReply) throw error;
      throw new UnavailableError(`read ${this.stream}: ${(error as Error).message}`, { cause: error });
    } finally {
      stopWaking();
    }
  }

  async backlog(after: string, cap: number): Promise<number> {
    return Number(await this.client.eval(BACKLOG, { keys: [this.stream], arguments: [after, String(cap)] }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.dropConnection();
  }

  /** The read connection, ready; UnavailableError if it cannot be within `waitMs`. */
  private async connection(waitMs: number): Promise<BlockingConnection> {
    if (!this.conn) {
      let conn: BlockingConnection;
      try {
        conn = await openBlocking(this.client, this.stream, { timeoutMs: waitMs });
      } catch (error) {
        throw new UnavailableError(`read ${this.stream}: Redis is unavailable (${(error as Error).message})`, { cause: error });
      }
      // Closed while it connected: nobody would close it later.
      if (this.closed) {
        conn.close();
        throw new UnavailableError(`read ${this.stream}: the source is closed`);
      }
      this.conn = conn;
    }
    if (!this.conn.client.isReady && !(await redisReady(this.conn.client, waitMs))) {
      throw new UnavailableError(`read ${this.stream}: Redis is unavailable`);
    }
    return this.conn;
  }

  private dropConnection(): void {
    this.conn?.close();
    this.conn = undefined;
  }
}
