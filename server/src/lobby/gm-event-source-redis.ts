import { ErrorReply } from "redis";
import { redisReady, type RedisClient } from "../backends/redis.ts";
import { UnavailableError } from "../errors.ts";
import type { GmEventSource, GmStreamEntry } from "./gm-event-source.ts";

/** Counts the entries after ARGV[1], at most ARGV[2], without sending them back. */
const BACKLOG = `return #redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])`;

/**
 * The Game Master's Redis stream itself, read with `XREAD BLOCK` on a
 * connection of its own (`client.duplicate()`: a blocking read would hold up
 * every other command on a shared one). Aborting the read's signal wakes a
 * blocked XREAD at once (`CLIENT UNBLOCK` from the shared client). While
 * Redis is unreachable, `read` rejects with UnavailableError after waiting
 * at most `blockMs` (capped at 2 s) for the connection; the dedicated
 * connection keeps reconnecting by itself.
 */
export class RedisGmEventSource implements GmEventSource {
  private conn: RedisClient | undefined;
  private connId: number | undefined;

  constructor(
    private readonly client: RedisClient,
    readonly stream: string,
  ) {
    if (!client) throw new Error("new redis gm event source: no redis client");
    if (typeof stream !== "string" || stream.trim() === "") throw new Error("new redis gm event source: stream must not be empty");
  }

  async read(after: string, { count, blockMs, signal }: { count: number; blockMs: number; signal: AbortSignal }): Promise<GmStreamEntry[]> {
    if (signal.aborted) return [];
    const conn = this.connection();
    if (!conn.isReady && !(await redisReady(conn, Math.min(blockMs, 2_000)))) {
      throw new UnavailableError(`read ${this.stream}: Redis is unavailable`);
    }
    this.connId ??= await conn.clientId();
    // CLIENT UNBLOCK only wakes a read Redis is already blocking: an abort that lands between sending the
    // XREAD and Redis running it would be lost, so it is sent again every 50 ms until the read returns.
    let unblocking: Timer | undefined;
    const sendUnblock = () => void this.client.sendCommand(["CLIENT", "UNBLOCK", String(this.connId)]).catch(() => {});
    const unblock = () => {
      sendUnblock();
      unblocking = setInterval(sendUnblock, 50);
    };
    signal.addEventListener("abort", unblock, { once: true });
    try {
      const reply = (await conn.xRead({ key: this.stream, id: after }, { COUNT: count, BLOCK: blockMs })) as Array<{
        name: string;
        messages: Array<{ id: string; message: Record<string, string> }>;
      }> | null;
      return (reply?.[0]?.messages ?? []).map((m) => ({ id: m.id, fields: m.message }));
    } catch (error) {
      if (error instanceof ErrorReply) throw error;
      throw new UnavailableError(`read ${this.stream}: ${(error as Error).message}`, { cause: error });
    } finally {
      signal.removeEventListener("abort", unblock);
      clearInterval(unblocking);
    }
  }

  async backlog(after: string, cap: number): Promise<number> {
    return Number(await this.client.eval(BACKLOG, { keys: [this.stream], arguments: [after, String(cap)] }));
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    this.connId = undefined;
    try {
      conn?.destroy();
    } catch {
      // already closed
    }
  }

  private connection(): RedisClient {
    if (!this.conn) {
      const conn = this.client.duplicate({ disableOfflineQueue: true }) as RedisClient;
      conn.on("error", () => {});
      // A reconnection is a new connection: its id for CLIENT UNBLOCK is asked again.
      conn.on("ready", () => (this.connId = undefined));
      conn.connect().catch(() => {});
      this.conn = conn;
    }
    return this.conn;
  }
}
