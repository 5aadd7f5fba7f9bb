import type { Lease, LeaseHolder } from "./lease.ts";
import { unlessAborted } from "./watchdog.ts";

/** One time this process holds a partition: the signal its workers run under, and how many of them still use it. */
export interface Holding {
  readonly lost: AbortController;
  /** Workers that acquired this holding and have not said they stopped. */
  users: number;
  /** When the last successful renewal (or the take) was sent (clock ms). */
  renewedAt: number;
  /** Set when this process is handing the partition over: since when (clock ms). */
  givingUpSince?: number;
}

/**
 * One partition's lease as the worker runner sees it (`Lease`), driven by a
 * balancer that takes, renews, hands over and releases it. `acquire` waits
 * until the balancer holds the partition for this process; the signal it
 * returns aborts when the partition is lost or handed over. The balancer
 * releases a partition it hands over only once every worker that acquired
 * it has said it stopped (`stopped`), so no fold of the old holder overlaps
 * the new one's.
 */
export class PartitionSlot implements Lease {
  holding: Holding | undefined;
  private changed = Promise.withResolvers<void>();

  constructor(
    readonly index: number,
    readonly key: string,
    private readonly hooks: {
      holder(slot: PartitionSlot): Promise<LeaseHolder | null>;
      /** Every user of a holding being handed over has stopped. */
      drained(slot: PartitionSlot, holding: Holding): void;
      /** Asked by `release`: hand this partition over now. */
      giveUp(slot: PartitionSlot): Promise<void>;
      /** `Lease.remaining` of a holding (the balancer knows the TTL, and loses the holding at 0). */
      remaining(slot: PartitionSlot, holding: Holding): number;
    },
  ) {}

  /** Whether this process holds it and is not handing it over. */
  get active(): boolean {
    return this.holding !== undefined && this.holding.givingUpSince === undefined;
  }

  async acquire(signal: AbortSignal): Promise<AbortSignal | null> {
    while (!signal.aborted) {
      const holding = this.holding;
      if (holding && holding.givingUpSince === undefined) {
        holding.users++;
        return holding.lost.signal;
      }
      await unlessAborted(this.changed.promise, signal);
    }
    return null;
  }

  stopped(held?: AbortSignal): void {
    const holding = this.holding;
    if (!holding || (held && held !== holding.lost.signal)) return; // a holding already lost or released
    holding.users = Math.max(0, holding.users - 1);
    if (holding.users === 0 && holding.givingUpSince !== undefined) this.hooks.drained(this, holding);
  }

  remaining(): number {
    return this.holding ? this.hooks.remaining(this, this.holding) : 0;
  }

  holder(): Promise<LeaseHolder | null> {
    return this.hooks.holder(this);
  }

  release(): Promise<void> {
    return this.hooks.giveUp(this);
  }

  /** Tells waiting `acquire` calls to look again. */
  notify(): void {
    this.changed.resolve();
    this.changed = Promise.withResolvers<void>();
  }
}
