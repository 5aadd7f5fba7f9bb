import type { RedisClient } from "../backends/index.ts";
import { entryState, type LobbySubscription, type RegistryOptions, type SubscriptionRegistry } from "./registry.ts";

interface Stored {
  user_id: string;
  subscribed_at: number;
  seen_at: number;
}

/**
 * The subscription registry in Redis, shared by every instance: one hash per
 * lobby (`rtapi:subs:{<lobby>}`, field = session id) and a set of lobbies
 * with subscriptions for sweeping (`rtapi:lobbies`).
 *
 * The two keys live in different hash slots on a Redis Cluster, so no
 * command or script writes both. `subscribe` writes the set first and the
 * lobby's hash second, each on its own: a failure between them leaves a
 * lobby listed with no subscription in it (which the next sweep drops),
 * never a subscription the sweep cannot find, and the call rejects so the
 * caller retries. Every other call touches one key per command.
 */
export class RedisSubscriptionRegistry implements SubscriptionRegistry {
  constructor(
    private readonly client: RedisClient,
    private readonly opts: RegistryOptions,
  ) {
    if (!client) throw new Error("new redis subscription registry: no redis client");
  }

  private key(lobbyId: string): string {
    return `rtapi:subs:{${lobbyId}}`;
  }

  async subscribe(lobbyId: string, sessionId: string, userId: string) {
    const now = this.opts.clock.now();
    const raw = await this.client.hGet(this.key(lobbyId), sessionId);
    const existing = raw ? (JSON.parse(raw) as Stored) : undefined;
    const created = !existing || entryState(existing.seen_at, now, this.opts.ttlMs) === "expired";
    const value: Stored = { user_id: userId, subscribed_at: created ? now : existing!.subscribed_at, seen_at: now };
    await this.client.sAdd("rtapi:lobbies", lobbyId);
    await this.client.hSet(this.key(lobbyId), sessionId, JSON.stringify(value));
    return { created };
  }

  async unsubscribe(lobbyId: string, sessionId: string) {
    const live = (await this.read(lobbyId)).some((e) => e.session_id === sessionId);
    if (!live) return false;
    return (await this.client.hDel(this.key(lobbyId), sessionId)) > 0;
  }

  async renew(lobbyId: string, sessionId: string) {
    const raw = await this.client.hGet(this.key(lobbyId), sessionId);
    if (!raw) return false;
    const stored = JSON.parse(raw) as Stored;
    if (entryState(stored.seen_at, this.opts.clock.now(), this.opts.ttlMs) === "expired") {
      await this.client.hDel(this.key(lobbyId), sessionId);
      return false;
    }
    stored.seen_at = this.opts.clock.now();
    await this.client.hSet(this.key(lobbyId), sessionId, JSON.stringify(stored));
    return true;
  }

  async list(lobbyId: string): Promise<LobbySubscription[]> {
    const now = this.opts.clock.now();
    return (await this.read(lobbyId)).map((e) => ({
      session_id: e.session_id,
      user_id: e.user_id,
      lobby_id: lobbyId,
      active: entryState(e.seen_at, now, this.opts.ttlMs) === "active",
    }));
  }

  /** The lobby's entries oldest first, deleting expired ones on the way. */
  private async read(lobbyId: string): Promise<Array<Stored & { session_id: string }>> {
    const now = this.opts.clock.now();
    const all = await this.client.hGetAll(this.key(lobbyId));
    const entries: Array<Stored & { session_id: string }> = [];
    const expired: string[] = [];
    for (const [sessionId, raw] of Object.entries(all)) {
      const stored = JSON.parse(raw) as Stored;
      if (entryState(stored.seen_at, now, this.opts.ttlMs) === "expired") expired.push(sessionId);
      else entries.push({ ...stored, session_id: sessionId });
    }
    if (expired.length > 0) await this.client.hDel(this.key(lobbyId), expired);
    if (entries.length === 0) await this.client.sRem("rtapi:lobbies", lobbyId);
    return entries.sort((a, b) => a.subscribed_at - b.subscribed_at || a.session_id.localeCompare(b.session_id));
  }

  async sweep() {
    let removed = 0;
    for (const lobbyId of await this.client.sMembers("rtapi:lobbies")) {
      const before = await this.client.hLen(this.key(lobbyId));
      const after = (await this.read(lobbyId)).length;
      removed += before - after;
    }
    return removed;
  }
}
