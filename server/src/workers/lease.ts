import type { RedisClient } from "../backends/index.ts";
import { messageOf } from "../errors.ts";
import type { Logger } from "../log.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { sleep } from "../util/abort.ts";
import { newInstanceName } from "./instance-name.ts";

/**
 * Exclusive right to run a worker, for workers that must have one active
 * consumer across every instance (a match partition's summarizer folds each
 * of its matches' entries in order, see partition-leases.ts; the lobby's gm
 * events worker keeps one offset). Re-entrant within a process: every
 * worker of the same lease in this process shares it.
 */
export interface Lease {
  /**
   * Waits until this process holds the lease (or `signal` aborts: null),
   * then returns a signal that aborts if the lease is lost.
   */
  acquire(signal: AbortSignal): Promise<AbortSignal | null>;
  /** Gives the lease up (if held), so another instance takes over at once. */
  release(): Promise<void>;
  /** Who holds it now, for operators (null: nobody). */
  holder(): Promise<LeaseHolder | null>;
  /**
   * How long (ms) this process surely still holds the lease: the lease's TTL
   * counts from the last renewal's sending, less a third of the TTL as a
   * margin (for the time between this check and the act it guards). 0 when
   * not held; reaching 0 while held counts as losing it (the signal aborts).
   * A worker checks it before each read and each batch, so a process paused
   * past the TTL (SIGSTOP, a long GC, a starved VM) neither takes new entries
   * nor acts on what it read before the pause once another may hold the lease.
   */
  remaining(): number;
  /**
   * Told once per signal `acquire` returned, with it, when the worker that
   * got it has stopped using the lease (its handlers have all returned), so
   * a lease being handed over can be released at once, not left to expire.
   */
  stopped?(held: AbortSignal): void;
}

export interface LeaseHolder {
  /** The holder's name: `<host>:<pid>:<random>` for a Redis lease. */
  owner: string;
  /** Whether this process holds it. */
  held_here: boolean;
  /** Until it expires unless renewed, in ms (null: it does not expire). */
  ttl_ms: number | null;
}

/** One process only (the embedded deployment): always held. */
export function localLease(): Lease {
  const held = new AbortController();
  const owner = newInstanceName();
  return {
    acquire: async (signal) => (signal.aborted ? null : held.signal),
    remaining: () => Infinity,
    release: async () => {},
    holder: async () => ({ owner, held_here: true, ttl_ms: null }),
  };
}

/** PEXPIREs the lease when this owner holds it: 1, else 0. */
export const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/**
 * Takes a lease key for `owner`: `SET NX PX`, or, when the key is already
 * under `owner`'s name (an earlier process of the same name), a renewal
 * that restarts its TTL. Returns when the winning command was sent (the
 * lease surely lasts from then, see `timeLeft`), or who holds it instead.
 */
export async function takeKey(
  client: RedisClient,
  key: string,
  owner: string,
  ttlMs: number,
  clock: Clock,
): Promise<{ sentAt: number } | { holder: string | null }> {
  let sentAt = clock.now();
  if ((await client.set(key, owner, { NX: true, PX: ttlMs })) === "OK") return { sentAt };
  const holder = await client.get(key);
  if (holder !== owner) return { holder };
  sentAt = clock.now();
  return Number(await client.eval(RENEW, { keys: [key], arguments: [owner, String(ttlMs)] })) === 1 ? { sentAt } : { holder: null };
}

/**
 * How long (ms) a lease whose last renewal (or take) was sent at
 * `renewedAt` surely lasts: two thirds of its TTL from then, the last third
 * a margin for the time between a check and the act it guards.
 */
export function timeLeft(renewedAt: number, ttlMs: number, now: number): number {
  return renewedAt + ttlMs * (2 / 3) - now;
}

/** DELetes the lease when this owner holds it: 1, else 0. */
export const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * A lease in Redis: `SET key owner NX PX ttl`, renewed every third of the
 * TTL. If renewing fails (Redis away, or the key taken over after a pause
 * longer than the TTL), the holder gives up once its last renewal is a TTL
 * old, before anyone else can have taken the key: at most one holder at a time.
 */
export function redisLease(
  client: RedisClient,
  key: string,
  logger: Logger,
  { ttlMs = 15_000, owner = newInstanceName(), clock = systemClock }: { ttlMs?: number; owner?: string; clock?: Clock } = {},
): Lease {
  /** `renewedAt`: when the last successful renewal (or the take) was sent. */
  let current: { lost: AbortController; renewer: Timer; renewedAt: number } | undefined;
  let acquiring: Promise<AbortSignal | null> | undefined;

  const lose = (why: string) => {
    if (!current) return;
    clearInterval(current.renewer);
    current.lost.abort(new Error(why));
    logger.warn({ lease: key, reason: why }, "worker lease lost");
    current = undefined;
  };

  async function take(signal: AbortSignal): Promise<AbortSignal | null> {
    // Logged once each: the lease held by another instance is normal; an error talking to Redis is not.
    let waited = false;
    let failing = false;
    let sentAt = clock.now();
    while (!signal.aborted) {
      try {
        const taken = await takeKey(client, key, owner, ttlMs, clock);
        if ("sentAt" in taken) {
          sentAt = taken.sentAt;
          break;
        }
        if (!waited) logger.info({ lease: key, holder: taken.holder }, "another instance holds the worker lease; waiting");
        waited = true;
        failing = false;
      } catch (error) {
        if (!failing) logger.warn({ lease: key, err: messageOf(error) }, "cannot take the worker lease: error talking to Redis; retrying");
        failing = true;
      }
      await sleep(ttlMs / 3, signal);
    }
    if (signal.aborted) return null;
    const held = { lost: new AbortController(), renewer: undefined as unknown as Timer, renewedAt: sentAt };
    held.renewer = setInterval(async () => {
      const sent = clock.now();
      try {
        if (Number(await client.eval(RENEW, { keys: [key], arguments: [owner, String(ttlMs)] })) === 1) {
          held.renewedAt = sent;
          return;
        }
        lose("the lease was taken by another instance");
      } catch (error) {
        if (timeLeft(held.renewedAt, ttlMs, clock.now()) < 0) lose(`could not renew the lease in time: ${messageOf(error)}`);
      }
    }, ttlMs / 3);
    current = held;
    logger.info({ lease: key }, "worker lease acquired");
    return held.lost.signal;
  }

  return {
    async acquire(signal) {
      if (current) return current.lost.signal;
      acquiring ??= take(signal).finally(() => (acquiring = undefined));
      return acquiring;
    },
    remaining() {
      if (!current) return 0;
      const left = timeLeft(current.renewedAt, ttlMs, clock.now());
      if (left <= 0) lose("not renewed for two thirds of its TTL (the process was paused or starved)");
      return Math.max(0, left);
    },
    async holder() {
      const [holder, ttl] = await Promise.all([client.get(key), client.pTTL(key)]);
      if (!holder) return null;
      return { owner: String(holder), held_here: String(holder) === owner, ttl_ms: Number(ttl) >= 0 ? Number(ttl) : null };
    },
    async release() {
      if (!current) return;
      clearInterval(current.renewer);
      current = undefined;
      await client.eval(RELEASE, { keys: [key], arguments: [owner] }).catch((error: unknown) => {
        logger.warn({ lease: key, err: messageOf(error) }, "could not release the worker lease; it expires on its own");
      });
    },
  };
}
