import { isCluster, type RedisClient } from "../backends/redis.ts";
import { isRedirect, openBlocking, refreshRoute, type BlockingConnection } from "../backends/redis-nodes.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../util/abort.ts";
import { fromFields } from "./codec.ts";
import type { JournalEntry } from "./journal.ts";

export interface SlotTailOptions {
  /** How long one XREAD blocks (default 5 s). */
  blockMs?: number;
  /** Most entries one XREAD returns per stream (default 1,000). */
  count?: number;
}

type XReadReply = Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }> | null;

/**
 * One blocking XREAD loop over a set of streams that share a node and, on a
 * cluster, a hash slot; it hands what it reads to `publish`, per stream in
 * id order, each entry once. A stream gaining a reader interrupts the
 * current XREAD (CLIENT UNBLOCK on the connection's node) so it is read at
 * once, from the id that reader has read up to. The loop runs while it has
 * streams. While Redis is unreachable it retries with backoff; on a cluster
 * a failed read drops its connection, so the next goes to whichever master
 * holds the slot then (after a failover, the promoted replica).
 */
export class SlotTail {
  private readonly positions = new Map<string, string>();
  private conn: BlockingConnection | undefined;
  private running = false;
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: RedisClient,
    /** A stream of the slot: where the connection goes. */
    private readonly routeKey: string,
    private readonly logger: Logger,
    private readonly publish: (stream: string, entries: JournalEntry[]) => void,
    private readonly opts: SlotTailOptions = {},
  ) {}

  get size(): number {
    return this.positions.size;
  }

  watch(stream: string, after: string): void {
    this.positions.set(stream, after);
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    } else {
      void this.conn?.unblock();
    }
  }

  unwatch(stream: string): void {
    this.positions.delete(stream);
  }

  private async connection(): Promise<BlockingConnection> {
    if (!this.conn) {
      const conn = await openBlocking(this.client, this.routeKey);
      // Closed while it connected: nobody would close it later.
      if (this.stopped.signal.aborted) {
        conn.close();
        throw new Error("live tail closed");
      }
      this.conn = conn;
    }
    return this.conn;
  }

  private dropConnection(): void {
    this.conn?.close();
    this.conn = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped.signal.aborted && this.positions.size > 0) {
      try {
        const conn = await this.connection();
        const streams = [...this.positions].map(([key, id]) => ({ key, id }));
        const reply = (await conn.client.xRead(streams, { BLOCK: this.opts.blockMs ?? 5_000, COUNT: this.opts.count ?? 1_000 })) as XReadReply;
        failures = 0;
        for (const { name, messages } of reply ?? []) {
          if (!this.positions.has(name) || messages.length === 0) continue;
          const entries: JournalEntry[] = messages.map((m) => fromFields(m.id, m.message));
          this.positions.set(name, entries[entries.length - 1]!.id);
          this.publish(name, entries);
        }
      } catch (error) {
        if (this.stopped.signal.aborted) break;
        if (failures++ === 0) this.logger.warn({ err: (error as Error).message, stream: this.routeKey }, "live tail: redis read failed; retrying");
        if (isCluster(this.client)) {
          this.dropConnection();
          if (isRedirect(error)) await refreshRoute(this.client, this.routeKey);
        }
        await sleep(Math.min(100 * 2 ** failures, 2_000), this.stopped.signal);
      }
    }
    this.running = false;
    // A stream may have been watched again between the last check and here.
    if (!this.stopped.signal.aborted && this.positions.size > 0) {
      this.running = true;
      this.loop = this.run();
    }
  }

  async close(): Promise<void> {
    this.stopped.abort();
    await this.conn?.unblock();
    this.dropConnection();
    await this.loop?.catch(() => {});
  }
}
