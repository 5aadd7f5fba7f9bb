import { UnauthenticatedError, ValidationError } from "../errors.ts";
import { ANONYMOUS, SCOPES, type AuthUser, type Identity, type Scope } from "../platform/auth-user.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { requestToken, type Auth } from "./auth.ts";
import {
  hashSecret,
  infoOf,
  isServerKey,
  newServerKey,
  parseServerKey,
  secretMatches,
  type ServerKeyInfo,
  type ServerKeyRecord,
  type ServerKeyStore,
} from "./server-keys.ts";

export interface AccessOptions {
  mode: "token" | "open";
  auth: Auth;
  /** Server keys; without a store, only tokens are credentials. */
  keys?: ServerKeyStore;
  clock?: Clock;
  /** How long a checked server key is trusted before it is looked up again (revocation latency; default 5 s). */
  keyCacheMs?: number;
}

const KEY_NAME = /^[^\u0000-\u001f]{1,100}$/;

/**
 * Who sends each request, for every edge alike (tRPC contexts, REST routes,
 * WebSocket upgrades, GraphQL): a token (`Authorization: Bearer <jwt>`, the
 * WebSocket connection parameter `token`, or `?token=`) or a server key
 * (`Authorization: Bearer gjk_…`). A credential that is sent is always
 * checked, and a bad one is refused with the reason, never ignored. The
 * rules of what each credential may do are `authorize` (platform/auth-user.ts).
 */
export class Access {
  readonly mode: "token" | "open";
  private readonly cache = new Map<string, { user: AuthUser | null; problem?: string; until: number }>();
  private readonly clock: Clock;
  private readonly keyCacheMs: number;

  constructor(private readonly opts: AccessOptions) {
    if (!opts?.auth) throw new Error("new access: no auth");
    this.mode = opts.mode;
    this.clock = opts.clock ?? systemClock;
    this.keyCacheMs = opts.keyCacheMs ?? 5_000;
  }

  /** The identity of `req`; a refused credential is `problem` (a store outage rejects with UnavailableError). */
  async identify(req: Request, connectionParams?: Record<string, string | undefined> | null): Promise<Identity> {
    return this.identifyCredential(requestToken(req, connectionParams));
  }

  async identifyCredential(credential: string | undefined): Promise<Identity> {
    if (!credential) return { user: this.mode === "open" ? ANONYMOUS : null, mode: this.mode };
    try {
      const user = isServerKey(credential) ? await this.verifyKey(credential) : await this.opts.auth.verify(credential);
      return { user, mode: this.mode };
    } catch (error) {
      if (!(error instanceof UnauthenticatedError)) throw error;
      return { user: null, problem: error.message, mode: this.mode };
    }
  }

  /** Creates a server key: the record as listed, and the key's text, shown this once. */
  async createKey(name: string, scopes: readonly Scope[]): Promise<{ key: string; info: ServerKeyInfo }> {
    const store = this.keyStore();
    if (!KEY_NAME.test(name)) throw new ValidationError("name must be 1 to 100 characters without control characters", "name");
    const wanted = [...new Set(scopes)];
    if (wanted.length === 0 || wanted.some((s) => s === "player" || !SCOPES.includes(s))) {
      throw new ValidationError('scopes must be one or more of "ingest", "read", "admin"', "scopes");
    }
    const { id, secret, key } = newServerKey();
    const record: ServerKeyRecord = { id, name, scopes: wanted, hash: hashSecret(secret), created_at: new Date(this.clock.now()), revoked_at: null };
    await store.insert(record);
    return { key, info: infoOf(record) };
  }

  async listKeys(): Promise<ServerKeyInfo[]> {
    return (await this.keyStore().list()).map(infoOf);
  }

  /** Revokes a key; false when unknown or already revoked. Refused from now on (this instance) or within the cache time (others). */
  async revokeKey(id: string): Promise<boolean> {
    const revoked = await this.keyStore().revoke(id, new Date(this.clock.now()));
    for (const [text, entry] of this.cache) if (parseServerKey(text)?.id === id) this.cache.set(text, { ...entry, until: 0 });
    return revoked;
  }

  private keyStore(): ServerKeyStore {
    if (!this.opts.keys) throw new Error("access: no server key store");
    return this.opts.keys;
  }

  private async verifyKey(text: string): Promise<AuthUser> {
    const now = this.clock.now();
    const cached = this.cache.get(text);
    if (cached && cached.until > now) {
      if (cached.user) return cached.user;
      throw new UnauthenticatedError(cached.problem ?? "server key refused");
    }
    const parsed = parseServerKey(text);
    let user: AuthUser | null = null;
    let problem: string | undefined;
    if (!parsed) problem = "server key is malformed";
    else {
      const record = this.opts.keys ? await this.opts.keys.find(parsed.id) : null;
      if (!record || !secretMatches(parsed.secret, record.hash)) problem = "server key is unknown";
      else if (record.revoked_at) problem = "server key was revoked";
      else user = { sub: `key:${record.name}`, scopes: record.scopes, via: "key", claims: { key_id: record.id } };
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(text, { user, ...(problem ? { problem } : {}), until: now + this.keyCacheMs });
    if (!user) throw new UnauthenticatedError(problem!);
    return user;
  }
}
