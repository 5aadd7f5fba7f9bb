import { isCluster, type RedisClient } from "../backends/redis.ts";
import { slotGroupOf } from "../backends/redis-nodes.ts";
import type { Logger } from "../log.ts";
import { LiveHub } from "./live-hub.ts";
import { SlotTail, type SlotTailOptions } from "./redis-slot-tail.ts";

/**
 * Feeds a LiveHub with the entries appended to every stream that has live
 * readers in this process. Entries are read once from Redis however many
 * local subscribers a stream has, and in order.
 *
 * Standalone: one blocking XREAD over every watched stream (one connection).
 * Redis Cluster: XREAD may only name keys of one hash slot, so there is one
 * blocking XREAD per slot that has watched streams, each on a connection to
 * the master of that slot (a stream's sidecar keys and a lobby's streams
 * share a slot through `{tags}`, so each lobby costs one connection, opened
 * when its first reader arrives and closed when its last leaves). A failure
 * of one slot's read (its master failing over) stops only that slot's
 * delivery, until it reconnects to the new master; readers resume from their
 * last id. See redis-slot-tail.ts for the loop itself.
 */
export class RedisTailer {
  readonly hub: LiveHub;
  private readonly tails = new Map<number, SlotTail>();
  private readonly cluster: boolean;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly logger: Logger,
    private readonly opts: SlotTailOptions = {},
  ) {
    this.cluster = isCluster(client);
    this.hub = new LiveHub((stream, watched, after) => this.onWatchChange(stream, watched, after));
  }

  private onWatchChange(stream: string, watched: boolean, after: string): void {
    if (this.closed) return;
    const group = slotGroupOf(this.client, stream);
    let tail = this.tails.get(group);
    if (!watched) {
      if (!tail) return;
      tail.unwatch(stream);
      // Standalone keeps its one connection, as it always did; a cluster frees a slot's connection.
      if (this.cluster && tail.size === 0) {
        this.tails.delete(group);
        void tail.close();
      }
      return;
    }
    if (!tail) {
      tail = new SlotTail(this.client, stream, this.logger, (name, entries) => this.hub.publish(name, entries), this.opts);
      this.tails.set(group, tail);
    }
    tail.watch(stream, after);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.failAll(new Error("journal closed"));
    await Promise.all([...this.tails.values()].map((t) => t.close()));
    this.tails.clear();
  }
}
