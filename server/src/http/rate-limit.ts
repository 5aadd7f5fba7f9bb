import type { Context, MiddlewareHandler } from "hono";
import { Counter, type Registry } from "prom-client";
import { RateLimitedError } from "../errors.ts";
import type { Identity } from "../platform/auth-user.ts";
import type { Clock } from "../platform/clock.ts";
import { errorResponse } from "./respond.ts";

/** Requests per second (0: off); each bucket holds two seconds' worth, the burst it allows. */
export interface RateLimits {
  /** Writes per credential (`RATE_LIMIT_INGEST_PER_SECOND`). */
  ingestPerSecond: number;
  /** Reads per credential (`RATE_LIMIT_READ_PER_SECOND`). */
  readPerSecond: number;
  /** Writes and reads together per client address (`RATE_LIMIT_IP_PER_SECOND`). */
  ipPerSecond: number;
}

export type RequestKind = "ingest" | "read";

/**
 * Token buckets by key, refilled lazily: `perSecond` tokens a second up to
 * `2 × perSecond`. Buckets that are full again are forgotten when the map
 * grows past `maxKeys`, so memory stays bounded however many keys come.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {
    this.burst = perSecond * 2;
  }

  /** Takes `cost` tokens from `key`'s bucket: 0 when taken, else the whole seconds until they would be there. */
  take(key: string, cost = 1): number {
    const now = this.clock.now();
    const want = Math.min(cost, this.burst);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= want) {
      bucket.tokens -= want;
      return 0;
    }
    return Math.max(1, Math.ceil((want - bucket.tokens) / this.perSecond));
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

/**
 * The rate limits of every edge: a bucket per credential for writes and
 * one for reads, and a bucket per client address for both. `check` throws
 * RateLimitedError (429, with the seconds to wait) naming the limit, and
 * counts each refusal in `gamejournal_rate_limited_total`.
 */
export class RateLimiter {
  private readonly ingest?: TokenBuckets;
  private readonly read?: TokenBuckets;
  private readonly ip?: TokenBuckets;
  private readonly refused: Counter<"kind" | "by">;

  constructor(
    readonly limits: RateLimits,
    clock: Clock,
    registry: Registry,
  ) {
    if (limits.ingestPerSecond > 0) this.ingest = new TokenBuckets(limits.ingestPerSecond, clock);
    if (limits.readPerSecond > 0) this.read = new TokenBuckets(limits.readPerSecond, clock);
    if (limits.ipPerSecond > 0) this.ip = new TokenBuckets(limits.ipPerSecond, clock);
    this.refused = new Counter({
      name: "gamejournal_rate_limited_total",
      help: "Requests and socket messages refused by a rate limit, by kind (ingest, read) and by what was limited (credential, address)",
      labelNames: ["kind", "by"],
      registers: [registry],
    });
  }

  get enabled(): boolean {
    return !!(this.ingest || this.read || this.ip);
  }

  /** Takes `cost` from the caller's buckets; throws RateLimitedError when one is empty. */
  check(kind: RequestKind, who: string | undefined, address: string | undefined, cost = 1): void {
    if (address !== undefined && this.ip) {
      const wait = this.ip.take(address, cost);
      if (wait > 0) this.refuse(kind, "address", wait, `more than ${this.limits.ipPerSecond} requests a second from ${address} (RATE_LIMIT_IP_PER_SECOND)`);
    }
    const buckets = kind === "ingest" ? this.ingest : this.read;
    if (who !== undefined && buckets) {
      const wait = buckets.take(who, cost);
      const [limit, setting] = kind === "ingest" ? [this.limits.ingestPerSecond, "RATE_LIMIT_INGEST_PER_SECOND"] : [this.limits.readPerSecond, "RATE_LIMIT_READ_PER_SECOND"];
      if (wait > 0) this.refuse(kind, "credential", wait, `more than ${limit} ${kind === "ingest" ? "writes" : "reads"} a second by this credential (${setting})`);
    }
  }

  private refuse(kind: RequestKind, by: "credential" | "address", wait: number, message: string): never {
    this.refused.inc({ kind, by });
    throw new RateLimitedError(`rate limited: ${message}; retry in ${wait} s`, wait);
  }
}

/** The bucket key of a checked credential; none for the anonymous caller of AUTH_MODE=open or a refused credential. */
export function rateKeyOf(identity: Identity | undefined): string | undefined {
  const user = identity?.user;
  return user && user.via !== "open" && !identity.problem ? `${user.via}:${user.sub}` : undefined;
}

/** The client's address as Bun saw it (the app's `c.env` is the Bun server). */
export function clientAddress(c: Context): string | undefined {
  const server = c.env as { requestIP?: (req: Request) => { address: string } | null } | undefined;
  return server?.requestIP?.(c.req.raw)?.address;
}

const UNLIMITED = new Set(["/health", "/ready", "/metrics"]);

/**
 * What a request costs, or null for the routes that are never limited
 * (`/health`, `/ready`, `/metrics`, preflights, the GraphiQL page): a
 * write (POST, DELETE; tRPC mutations) or a read (GET; tRPC queries and
 * subscriptions; GraphQL operations), one token per tRPC procedure of a
 * batch.
 */
export function costOf(c: Context): { kind: RequestKind; cost: number } | null {
  const { method, path } = c.req;
  if (method === "OPTIONS" || UNLIMITED.has(path)) return null;
  if (path.startsWith("/trpc/")) return { kind: method === "GET" ? "read" : "ingest", cost: path.slice(6).split(",").length };
  if (/^\/(graphql|v3\/graphql|v3\/query)$/.test(path)) return method === "GET" && c.req.query("query") === undefined ? null : { kind: "read", cost: 1 };
  return { kind: method === "GET" || method === "HEAD" ? "read" : "ingest", cost: 1 };
}

/** The middleware: 429 with `Retry-After` when the caller's bucket (or its address's) is empty. Runs after the caller is identified. */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler {
  return async function limitRate(c, next) {
    const cost = limiter.enabled ? costOf(c) : null;
    if (cost) {
      try {
        limiter.check(cost.kind, rateKeyOf(c.get("identity")), clientAddress(c), cost.cost);
      } catch (error) {
        const res = errorResponse(c, error);
        if (error instanceof RateLimitedError) res.headers.set("Retry-After", String(error.retryAfterSeconds));
        return res;
      }
    }
    await next();
  };
}
