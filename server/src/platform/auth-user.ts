import { ForbiddenError, UnauthenticatedError } from "../errors.ts";

/**
 * What a credential may do. `ingest`: append events and frames (game servers,
 * agents), on behalf of any user; `read`: read streams, summaries, session
 * events and lobby records (dashboards, services); `admin`: everything,
 * including consumer groups, dead letters, keys, transitions, replays and the
 * console; `player`: one game seat (a token issued by a game room's join).
 */
export const SCOPES = ["ingest", "read", "admin", "player"] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling, once a credential has been checked. */
export interface AuthUser {
  /** The credential's subject: a token's `sub`, a server key's name, or `anonymous` (AUTH_MODE=open). */
  readonly sub: string;
  /** What it may do; `admin` may do everything. */
  readonly scopes: readonly Scope[];
  /** How the caller was identified: a signed token, a server key, or nobody at all (AUTH_MODE=open). */
  readonly via: "token" | "key" | "open";
  /** When the credential stops being valid (epoch ms); live connections close then. */
  readonly expiresAt?: number;
  /** The token's own claims beyond the registered ones (e.g. a game seat's `game_id` and `player_id`). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Whether `user` holds `scope` (`admin` holds every scope). */
export function hasScope(user: AuthUser | null | undefined, scope: Scope): boolean {
  return !!user && (user.scopes.includes(scope) || user.scopes.includes("admin"));
}

/** Reads a `scope` claim: a space-separated string (OAuth's form) or an array; unknown scopes are dropped. */
export function scopesOf(claim: unknown): Scope[] {
  const names = typeof claim === "string" ? claim.split(/[\s,]+/) : Array.isArray(claim) ? claim : [];
  return [...new Set(names.filter((name): name is Scope => (SCOPES as readonly unknown[]).includes(name)))];
}

/** Who sent a request, as the edge determined it, and under which rules. */
export interface Identity {
  /** The checked credential; in AUTH_MODE=open, `anonymous` when none was sent. */
  readonly user: AuthUser | null;
  /** Why a credential that was sent was refused (expired, forged, revoked…); the request is then answered 401 with it. */
  readonly problem?: string;
  /** `token`: scopes are enforced; `open`: a private network, where only the routes that always took a token check it. */
  readonly mode: "token" | "open";
}

/**
 * The caller of a request that needs `scope`, or an error saying why:
 * UnauthenticatedError (401) when no usable credential came (or the one sent was refused), 403 when
 * it lacks the scope (ForbiddenError, 403). With `credential`, a real credential (token or server
 * key) is needed even in AUTH_MODE=open: the routes that always took one
 * (`/v3/stream`, ending a match, a game seat) keep taking it.
 */
export function authorize(identity: Identity, scope: Scope | "any", { credential = false }: { credential?: boolean } = {}): AuthUser {
  if (identity.problem) throw new UnauthenticatedError(identity.problem);
  const user = identity.user;
  const needsCredential = identity.mode === "token" || credential;
  if (!user || (needsCredential && user.via === "open")) {
    throw new UnauthenticatedError("a token is required: send Authorization: Bearer <jwt> or ?token=<jwt>");
  }
  if (identity.mode === "open" || scope === "any" || hasScope(user, scope)) return user;
  const held = user.scopes.length > 0 ? `it has ${user.scopes.map((s) => `"${s}"`).join(", ")}` : "it has no scope";
  throw new ForbiddenError(`this needs the "${scope}" scope; ${held}`);
}

/** The caller of AUTH_MODE=open when no credential was sent. */
export const ANONYMOUS: AuthUser = Object.freeze({ sub: "anonymous", scopes: ["admin"] as Scope[], via: "open" as const });

/**
 * Appending in someone's name: a caller with `ingest` appends on behalf of
 * any user (the seeds' `user_id`/`X-User-ID` are then data); any other
 * credential only as itself, so each event's user must be its subject.
 * AUTH_MODE=open checks nothing. Throws ForbiddenError naming the field.
 */
export function assertActsAs(identity: Identity, user: AuthUser, userIds: ReadonlyArray<string | undefined>, field = "user_id"): void {
  if (identity.mode === "open" || hasScope(user, "ingest")) return;
  const other = userIds.findIndex((id) => id !== user.sub);
  if (other < 0) return;
  const where = userIds.length > 1 ? `${field} of event [${other}]` : field;
  throw new ForbiddenError(`${where} must be the credential's own subject "${user.sub}" without the "ingest" scope (got "${userIds[other] ?? ""}")`);
}

/** The namespace of a caller's idempotency keys: its subject; none for the anonymous caller of AUTH_MODE=open. */
export function principalOf(user: AuthUser | null | undefined): string | undefined {
  return user && user.via !== "open" ? user.sub : undefined;
}
