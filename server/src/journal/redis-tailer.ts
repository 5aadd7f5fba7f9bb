import type { RedisClient } from "../backends/index.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../util/abort.ts";
import { fromFields } from "./codec.ts";
import type { JournalEntry } from "./journal.ts";
import { LiveHub } from "./live-hub.ts";

/**
 * One blocking XREAD per process over every stream that has live readers,
 * feeding a LiveHub. Entries are read once from Redis however many local
 * subscribers a lobby has, and in order. A stream gaining its first reader
 * interrupts the current XREAD (CLIENT UNBLOCK) so it is watched at once,
 * from the id that reader has read up to. While Redis is unreachable the
 * loop retries with backoff; readers catch up from their last id afterwards.
 */
export class RedisTailer {
  readonly hub: LiveHub;
  private readonly positions = new Map<string, string>();
  private conn: RedisClient | undefined;
  private connId: number | undefined;
  private running = false;
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly logger: Logger,
    private readonly opts: { blockMs?: number; count?: number } = {},
  ) {
    this.hub = new LiveHub((stream, watched, after) => this.onWatchChange(stream, watched, after));
  }

  private onWatchChange(stream: string, watched: boolean, after: string): void {
    if (!watched) {
      this.positions.delete(stream);
      return;
    }
    this.positions.set(stream, after);
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    } else {
      void this.interrupt();
    }
  }

  /** Wakes the blocked XREAD so the new set of streams takes effect. */
  private async interrupt(): Promise<void> {
    if (this.connId === undefined || !this.client.isReady) return;
    await this.client.sendCommand(["CLIENT", "UNBLOCK", String(this.connId)]).catch(() => {});
  }

  private async connection(): Promise<RedisClient> {
    if (!this.conn) {
      this.conn = this.client.duplicate() as RedisClient;
      this.conn.on("error", () => {});
      await this.conn.connect();
    }
    if (this.connId === undefined) this.connId = await this.conn.clientId();
    return this.conn;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped.signal.aborted && this.positions.size > 0) {
      try {
        const conn = await this.connection();
        const streams = [...this.positions].map(([key, id]) => ({ key, id }));
        const reply = await conn.xRead(streams, { BLOCK: this.opts.blockMs ?? 5_000, COUNT: this.opts.count ?? 1_000 });
        failures = 0;
        for (const { name, messages } of (reply ?? []) as Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }>) {
          if (!this.positions.has(name) || messages.length === 0) continue;
          const entries: JournalEntry[] = messages.map((m) => fromFields(m.id, m.message));
          this.positions.set(name, entries[entries.length - 1]!.id);
          this.hub.publish(name, entries);
        }
      } catch (error) {
        if (this.stopped.signal.aborted) break;
        if (failures++ === 0) this.logger.warn({ err: (error as Error).message }, "live tail: redis read failed; retrying");
        this.connId = undefined;
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
    this.hub.failAll(new Error("journal closed"));
    await this.interrupt();
    await this.loop?.catch(() => {});
    try {
      this.conn?.destroy();
    } catch {
      // already closed
    }
  }
}
