import type { RedisClient } from "../backends/index.ts";
import type { Logger } from "../log.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { newInstanceName } from "./instance-name.ts";
import { messageOf } from "../errors.ts";
import { localLease, RELEASE, RENEW, takeKey, timeLeft, type Lease } from "./lease.ts";
import { PartitionSlot, type Holding } from "./partition-slot.ts";

/** The leases of a worker split into partitions, one `Lease` a partition, and what this process holds. */
export interface PartitionLeases {
  /** One per partition, by index: hand each to that partition's workers. */
  readonly leases: readonly Lease[];
  /** The partitions this process holds now (and is not handing over), ascending. */
  held(): number[];
  /** Begins taking partitions (nothing happens before). */
  start(): void;
  /** Stops balancing and releases what this process holds; call after its workers stopped. */
  stop(): Promise<void>;
}

/** One process (the embedded deployment): every partition always held. */
export function localPartitionLeases(count: number): PartitionLeases {
  const leases = Array.from({ length: count }, () => localLease());
  return { leases, held: () => leases.map((_, i) => i), start() {}, async stop() {} };
}

export interface RedisPartitionLeasesOptions {
  /** Names the keys: `workers:lease:<name>:p<i>of<count>` (`workers:lease:<name>` for one partition), `workers:members:<name>:of<count>`. */
  name: string;
  count: number;
  logger: Logger;
  /** How long a lease and a membership live unrenewed (default 15 s); they are renewed every third of it. */
  ttlMs?: number;
  /** This process's name as holder and member (default `newInstanceName()`). */
  owner?: string;
  /**
   * Lease keys of an unpartitioned predecessor (an earlier version's single
   * lease over the same work): while another process holds one, this one
   * holds no partition, so the two never do the same work at once.
   */
  yieldTo?: readonly string[];
  clock?: Clock;
}

/** ZADDs the member at the server's time, drops members not seen for a TTL, returns how many are live. */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 4)
return redis.call('ZCARD', KEYS[1])`;

/**
 * Partition leases in Redis, balanced across the live instances.
 *
 * Guarantees:
 * 1. At most one holder a partition: a partition's lease is `SET key owner
 *    NX PX ttl`, renewed (only by its owner) every third of the TTL; a
 *    holder that cannot renew gives the partition up once its last renewal
 *    is two thirds of a TTL old (counted from its sending), before the key
 *    can expire, and its workers ask (`Lease.remaining`) before each read
 *    and each batch, so one paused past that acts on nothing once it resumes.
 * 2. A handover never overlaps two folds: a partition given up is released
 *    (its key deleted) only after every worker that acquired it has stopped
 *    (`Lease.stopped`), and is renewed until then. A worker that never
 *    stops (stuck) is waited for one TTL, then the key is left to expire.
 * 3. Balance: each instance announces itself every third of the TTL (a
 *    sorted set scored by Redis's own clock, so clock skew between machines
 *    does not matter); with `live` instances announced, each holds at most
 *    `ceil(count / live)` partitions: it takes free ones up to that and
 *    hands over any above it. So the partitions spread over the instances
 *    as they join, and a dead instance's partitions are taken by the others
 *    once its leases expire (within a TTL and a third).
 * 4. While another process holds one of the `yieldTo` keys (an earlier
 *    version's single lease), this process hands over and takes nothing.
 * 5. While Redis is unreachable nothing new is taken; what is held is kept
 *    as long as guarantee 1 allows. Every error is logged with its message,
 *    once per outage, apart from a partition held by another instance
 *    (normal, not logged as an error).
 */
export function redisPartitionLeases(client: RedisClient, opts: RedisPartitionLeasesOptions): PartitionLeases {
  return new RedisPartitionBalancer(client, opts);
}

class RedisPartitionBalancer implements PartitionLeases {
  readonly leases: readonly Lease[];
  private readonly slots: PartitionSlot[];
  private readonly ttlMs: number;
  private readonly owner: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly membersKey: string;
  private timer: Timer | undefined;
  private ticking: Promise<void> | undefined;
  private stopping = false;
  private failing = false;
  private yielding = false;

  constructor(
    private readonly client: RedisClient,
    private readonly opts: RedisPartitionLeasesOptions,
  ) {
    if (!client) throw new Error("new redis partition leases: no redis client");
    if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error(`new redis partition leases: count must be a positive integer, got ${opts.count}`);
    this.ttlMs = opts.ttlMs ?? 15_000;
    this.owner = opts.owner ?? newInstanceName();
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger.child({ partitions: opts.name, count: opts.count });
    this.membersKey = `workers:members:${opts.name}:of${opts.count}`;
    const hooks = {
      holder: (slot: PartitionSlot) => this.holderOf(slot),
      drained: (slot: PartitionSlot, holding: Holding) => void this.release(slot, holding),
      giveUp: (slot: PartitionSlot) => this.giveUp(slot, "released"),
      remaining: (slot: PartitionSlot, holding: Holding) => this.remaining(slot, holding),
    };
    this.slots = Array.from({ length: opts.count }, (_, i) => {
      const key = opts.count === 1 ? `workers:lease:${opts.name}` : `workers:lease:${opts.name}:p${i}of${opts.count}`;
      return new PartitionSlot(i, key, hooks);
    });
    this.leases = this.slots;
  }

  held(): number[] {
    return this.slots.filter((s) => s.active).map((s) => s.index);
  }

  start(): void {
    if (this.timer || this.stopping) return;
    const tick = () => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.ttlMs / 3);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.ticking;
    for (const slot of this.slots) if (slot.holding) await this.release(slot, slot.holding);
    await this.client.zRem(this.membersKey, this.owner).catch((error: unknown) => {
      this.log.warn({ err: messageOf(error) }, "could not leave the partition members; the entry expires on its own");
    });
  }

  /** One round: announce, renew, then take or hand over partitions towards this instance's share. */
  private async tick(): Promise<void> {
    let live: number | undefined;
    try {
      live = Number(await this.client.eval(HEARTBEAT, { keys: [this.membersKey], arguments: [this.owner, String(this.ttlMs)] }));
    } catch (error) {
      this.outage("cannot announce this instance: error talking to Redis", error);
    }
    for (const slot of this.slots) if (slot.holding) await this.renew(slot, slot.holding);
    if (live === undefined || this.stopping) return;
    const predecessor = await this.predecessor();
    if (predecessor === undefined) return;
    const share = predecessor ? 0 : Math.ceil(this.slots.length / Math.max(1, live));
    const mine = this.slots.filter((s) => s.active);
    // Hand over from the end, so the partitions an instance keeps are stable.
    for (const slot of mine.slice(share).reverse()) await this.giveUp(slot, `rebalancing: ${live} instances, at most ${share} partitions each`);
    let count = Math.min(mine.length, share);
    const start = this.offset();
    for (let i = 0; i < this.slots.length && count < share; i++) {
      const slot = this.slots[(start + i) % this.slots.length]!;
      if (slot.holding) continue;
      let taken;
      try {
        taken = await takeKey(this.client, slot.key, this.owner, this.ttlMs, this.clock);
      } catch (error) {
        this.outage("cannot take a partition: error talking to Redis", error);
        return;
      }
      if (!("sentAt" in taken)) continue; // held by another: normal
      slot.holding = { lost: new AbortController(), users: 0, renewedAt: taken.sentAt };
      count++;
      this.log.info({ partition: slot.index, live, share }, "partition taken");
      slot.notify();
    }
    if (this.failing) this.log.info("partition leases: Redis is reachable again");
    this.failing = false;
  }

  /** Whether another process holds a predecessor's lease (logged once each time it starts); undefined when Redis could not say. */
  private async predecessor(): Promise<boolean | undefined> {
    let holder: string | null = null;
    try {
      for (const key of this.opts.yieldTo ?? []) {
        holder = await this.client.get(key);
        if (holder !== null && holder !== this.owner) break;
        holder = null;
      }
    } catch (error) {
      this.outage("cannot check for an earlier version's lease: error talking to Redis", error);
      return undefined;
    }
    if (holder && !this.yielding) this.log.warn({ holder }, "an instance of an earlier version holds the unpartitioned lease; holding no partition until it is gone");
    this.yielding = holder !== null;
    return this.yielding;
  }

  private async renew(slot: PartitionSlot, holding: Holding): Promise<void> {
    if (holding.givingUpSince !== undefined && this.clock.now() - holding.givingUpSince > this.ttlMs) {
      this.log.warn({ partition: slot.index, users: holding.users }, "a worker did not stop within a lease TTL of its partition being handed over; leaving the lease to expire");
      this.drop(slot, holding);
      return;
    }
    const sentAt = this.clock.now();
    try {
      if (Number(await this.client.eval(RENEW, { keys: [slot.key], arguments: [this.owner, String(this.ttlMs)] })) === 1) {
        holding.renewedAt = sentAt;
        return;
      }
      this.lose(slot, holding, "the partition's lease was taken by another instance");
    } catch (error) {
      this.outage("cannot renew a partition's lease: error talking to Redis", error);
      if (timeLeft(holding.renewedAt, this.ttlMs, this.clock.now()) < 0) this.lose(slot, holding, `could not renew the partition's lease in time: ${messageOf(error)}`);
    }
  }

  /** How long the holding surely lasts: two thirds of a TTL from its last renewal's sending; at 0 it is lost. */
  private remaining(slot: PartitionSlot, holding: Holding): number {
    const left = timeLeft(holding.renewedAt, this.ttlMs, this.clock.now());
    if (left <= 0 && slot.holding === holding) this.lose(slot, holding, "not renewed for two thirds of its TTL (the process was paused or starved)");
    return Math.max(0, left);
  }

  /** Stops this process's workers of the partition; the lease is released once they have all stopped. */
  private async giveUp(slot: PartitionSlot, why: string): Promise<void> {
    const holding = slot.holding;
    if (!holding || holding.givingUpSince !== undefined) return;
    holding.givingUpSince = this.clock.now();
    holding.lost.abort(new Error(`partition handed over (${why})`));
    this.log.info({ partition: slot.index, reason: why }, "handing a partition over");
    if (holding.users === 0) await this.release(slot, holding);
  }

  private async release(slot: PartitionSlot, holding: Holding): Promise<void> {
    if (slot.holding !== holding) return;
    this.drop(slot, holding);
    await this.client.eval(RELEASE, { keys: [slot.key], arguments: [this.owner] }).catch((error: unknown) => {
      this.log.warn({ partition: slot.index, err: messageOf(error) }, "could not release a partition's lease: error talking to Redis; it expires on its own");
    });
  }

  private lose(slot: PartitionSlot, holding: Holding, why: string): void {
    this.log.warn({ partition: slot.index, reason: why }, "partition lost");
    holding.lost.abort(new Error(why));
    this.drop(slot, holding);
  }

  private drop(slot: PartitionSlot, holding: Holding): void {
    if (slot.holding !== holding) return;
    if (!holding.lost.signal.aborted) holding.lost.abort(new Error("partition released"));
    slot.holding = undefined;
    slot.notify();
  }

  private outage(what: string, error: unknown): void {
    if (!this.failing) this.log.warn({ err: messageOf(error) }, what);
    this.failing = true;
  }

  /** Where this instance starts looking for free partitions, so instances do not all race for the same one. */
  private offset(): number {
    let hash = 0;
    for (let i = 0; i < this.owner.length; i++) hash = (Math.imul(hash, 31) + this.owner.charCodeAt(i)) >>> 0;
    return hash % this.slots.length;
  }

  private async holderOf(slot: PartitionSlot) {
    const [holder, ttl] = await Promise.all([this.client.get(slot.key), this.client.pTTL(slot.key)]);
    if (!holder) return null;
    return { owner: String(holder), held_here: String(holder) === this.owner, ttl_ms: Number(ttl) >= 0 ? Number(ttl) : null };
  }
}
