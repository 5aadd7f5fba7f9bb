import { errors, jwtVerify, SignJWT } from "jose";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnauthenticatedError, ValidationError } from "../errors.ts";
import { scopesOf, type AuthUser, type Scope } from "../platform/auth-user.ts";
import { systemClock, type Clock } from "../platform/clock.ts";

/**
 * HS256 tokens, signed and verified with jose. `verify` rejects with an
 * UnauthenticatedError that says why (expired, bad signature, malformed,
 * no subject, no expiry, a lifetime over the maximum), which the edges
 * answer as 401. A token's scopes are its `scope` claim (space-separated).
 * A token that verified is remembered for up to a minute (never past its
 * expiry), so repeated requests with one token check its signature once.
 */
export interface Auth {
  verify(token: string): Promise<AuthUser>;
  /**
   * A token for `subject` with `scopes`, valid `ttlSeconds` (default 24 h,
   * at most the maximum lifetime), carrying `claims` beside the registered ones.
   */
  sign(subject: string, opts?: { ttlSeconds?: number; scopes?: readonly Scope[]; claims?: Record<string, unknown> }): Promise<string>;
  /** The longest lifetime a token may have, in seconds. */
  readonly maxTtlSeconds: number;
}

/** Claims JWT registers, and `scope`; everything else in a payload is the token's own. */
const REGISTERED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope"]);

/** Default longest token lifetime: 30 days. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 30 * 86_400;

export interface AuthOptions {
  clock?: Clock;
  /** Tokens living longer than this (from `iat`, or from now without one) are refused (default 30 days). */
  maxTtlSeconds?: number;
}

/** Tokens remembered as verified (a player sends the same token with every command). */
const VERIFIED_CACHE_SIZE = 10_000;
/** A remembered token is verified again after this long, and never used past its expiry. */
const VERIFIED_CACHE_MS = 60_000;

export function createAuth(secret: string, { clock = systemClock, maxTtlSeconds = DEFAULT_MAX_TOKEN_TTL_SECONDS }: AuthOptions = {}): Auth {
  const key = new TextEncoder().encode(secret);
  // Checking an HS256 signature is most of the cost of a small authenticated request; the result for the
  // same token text only changes at its expiry, so a verified token is remembered (bounded, for a minute).
  const verified = new Map<string, { user: AuthUser; until: number }>();
  return {
    maxTtlSeconds,
    async verify(token) {
      const known = verified.get(token);
      if (known && known.until > clock.now()) return known.user;
      try {
        const now = clock.now();
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          currentDate: new Date(now),
          requiredClaims: ["exp"],
        });
        if (typeof payload.sub !== "string" || payload.sub === "") {
          throw new UnauthenticatedError("token has no subject (sub)");
        }
        const from = typeof payload.iat === "number" ? payload.iat : Math.floor(now / 1000);
        if (payload.exp! - from > maxTtlSeconds) {
          throw new UnauthenticatedError(`token lives longer than the maximum of ${maxTtlSeconds} seconds (TOKEN_MAX_TTL_SECONDS)`);
        }
        const claims = Object.fromEntries(Object.entries(payload).filter(([name]) => !REGISTERED.has(name)));
        const user: AuthUser = {
          sub: payload.sub,
          scopes: scopesOf(payload.scope),
          via: "token",
          expiresAt: payload.exp! * 1000,
          ...(Object.keys(claims).length > 0 ? { claims } : {}),
        };
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(token, { user, until: Math.min(now + VERIFIED_CACHE_MS, user.expiresAt!) });
        return user;
      } catch (error) {
        if (error instanceof UnauthenticatedError) throw error;
        throw new UnauthenticatedError(reasonOf(error), { cause: error });
      }
    },
    async sign(subject, { ttlSeconds = 24 * 3600, scopes = [], claims = {} } = {}) {
      if (ttlSeconds > maxTtlSeconds) throw new ValidationError(`a token lives at most ${maxTtlSeconds} seconds (TOKEN_MAX_TTL_SECONDS), asked for ${ttlSeconds}`, "ttl");
      const issuedAt = Math.floor(clock.now() / 1000);
      return new SignJWT({ ...claims, ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}) })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(subject)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
    },
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature is invalid";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "exp" && error.reason === "missing" ? "token has no expiry (exp)" : `token claim ${error.claim} is invalid: ${error.reason}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm is not HS256";
  return "token is malformed";
}

/**
 * The configured secret, or the one generated on first start and kept in
 * `DATA_DIR/jwt-secret` (mode 0600), so the embedded default is never open.
 */
export function resolveSecret(configured: string | undefined, dataDir: string): string {
  return secretOf(configured, dataDir).secret;
}

/** As `resolveSecret`, saying whether the secret was generated by this call (a first start). */
export function secretOf(configured: string | undefined, dataDir: string): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return { secret, generated: true };
}

/** The token in an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

/**
 * The token a request carries: `Authorization: Bearer`, else (over
 * WebSocket) the `token` connection parameter, else the `token` query
 * parameter; undefined when none.
 */
export function requestToken(req: Request, connectionParams?: Record<string, string | undefined> | null): string | undefined {
  return bearerToken(req.headers.get("authorization")) ?? connectionParams?.token ?? new URL(req.url).searchParams.get("token") ?? undefined;
}
