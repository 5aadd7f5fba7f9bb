import type { Database } from "bun:sqlite";
import { entryState, type LobbySubscription, type RegistryOptions, type SubscriptionRegistry } from "./registry.ts";

/** The subscription registry in the embedded SQLite database (single process). */
export class SqliteSubscriptionRegistry implements SubscriptionRegistry {
  private readonly q;

  constructor(
    db: Database,
    private readonly opts: RegistryOptions,
  ) {
    if (!db) throw new Error("new sqlite subscription registry: no database");
    db.exec(`CREATE TABLE IF NOT EXISTS rtapi_subscriptions (
      lobby_id TEXT NOT NULL, session_id TEXT NOT NULL, user_id TEXT NOT NULL,
      subscribed_at INTEGER NOT NULL, seen_at INTEGER NOT NULL,
      PRIMARY KEY (lobby_id, session_id)) WITHOUT ROWID`);
    this.q = {
      get: db.query<{ seen_at: number }, [string, string]>("SELECT seen_at FROM rtapi_subscriptions WHERE lobby_id = ? AND session_id = ?"),
      upsert: db.query(
        `INSERT INTO rtapi_subscriptions (lobby_id, session_id, user_id, subscribed_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (lobby_id, session_id) DO UPDATE SET user_id = ?3, seen_at = ?4`,
      ),
      renew: db.query("UPDATE rtapi_subscriptions SET seen_at = ? WHERE lobby_id = ? AND session_id = ?"),
      remove: db.query("DELETE FROM rtapi_subscriptions WHERE lobby_id = ? AND session_id = ?"),
      expireLobby: db.query("DELETE FROM rtapi_subscriptions WHERE lobby_id = ? AND seen_at < ?"),
      expireAll: db.query("DELETE FROM rtapi_subscriptions WHERE seen_at < ?"),
      list: db.query<{ session_id: string; user_id: string; seen_at: number }, [string]>(
        "SELECT session_id, user_id, seen_at FROM rtapi_subscriptions WHERE lobby_id = ? ORDER BY subscribed_at, session_id",
      ),
    };
  }

  async subscribe(lobbyId: string, sessionId: string, userId: string) {
    const now = this.opts.clock.now();
    const existing = this.q.get.get(lobbyId, sessionId);
    const created = !existing || entryState(existing.seen_at, now, this.opts.ttlMs) === "expired";
    if (existing && created) this.q.remove.run(lobbyId, sessionId);
    this.q.upsert.run(lobbyId, sessionId, userId, now);
    return { created };
  }

  async unsubscribe(lobbyId: string, sessionId: string) {
    this.q.expireLobby.run(lobbyId, this.opts.clock.now() - 2 * this.opts.ttlMs);
    return this.q.remove.run(lobbyId, sessionId).changes > 0;
  }

  async renew(lobbyId: string, sessionId: string) {
    this.q.expireLobby.run(lobbyId, this.opts.clock.now() - 2 * this.opts.ttlMs);
    return this.q.renew.run(this.opts.clock.now(), lobbyId, sessionId).changes > 0;
  }

  async list(lobbyId: string): Promise<LobbySubscription[]> {
    const now = this.opts.clock.now();
    this.q.expireLobby.run(lobbyId, now - 2 * this.opts.ttlMs);
    return this.q.list.all(lobbyId).map((r) => ({
      session_id: r.session_id,
      user_id: r.user_id,
      lobby_id: lobbyId,
      active: entryState(r.seen_at, now, this.opts.ttlMs) === "active",
    }));
  }

  async sweep() {
    return this.q.expireAll.run(this.opts.clock.now() - 2 * this.opts.ttlMs).changes;
  }
}
