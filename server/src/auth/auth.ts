import { errors, jwtVerify, SignJWT } from "jose";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnauthenticatedError } from "../errors.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import { systemClock, type Clock } from "../platform/clock.ts";

/**
 * HS256 tokens, signed and verified with jose. `verify` rejects with an
 * UnauthenticatedError that says why (expired, bad signature, malformed,
 * no subject), which the edges answer as 401. A token that verified is
 * remembered for up to a minute (never past its expiry), so repeated
 * requests with one token check its signature once.
 */
export interface Auth {
  verify(token: string): Promise<AuthUser>;
  /** A token for `subject`, valid `ttlSeconds` (default 24 h), carrying `claims` beside the registered ones. */
  sign(subject: string, opts?: { ttlSeconds?: number; claims?: Record<string, unknown> }): Promise<string>;
}

/** Claims JWT registers; everything else in a payload is the token's own. */
const REGISTERED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);

/** Tokens remembered as verified (a player sends the same token with every command). */
const VERIFIED_CACHE_SIZE = 10_000;
/** A remembered token is verified again after this long, and never used past its expiry. */
const VERIFIED_CACHE_MS = 60_000;

export function createAuth(secret: string, clock: Clock = systemClock): Auth {
  const key = new TextEncoder().encode(secret);
  // Checking an HS256 signature is most of the cost of a small authenticated request; the result for the
  // same token text only changes at its expiry, so a verified token is remembered (bounded, for a minute).
  const verified = new Map<string, { user: AuthUser; until: number }>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && known.until > clock.now()) return known.user;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          currentDate: new Date(clock.now()),
        });
        if (typeof payload.sub !== "string" || payload.sub === "") {
          throw new UnauthenticatedError("token has no subject (sub)");
        }
        const claims = Object.fromEntries(Object.entries(payload).filter(([name]) => !REGISTERED.has(name)));
        const user: AuthUser = Object.keys(claims).length > 0 ? { sub: payload.sub, claims } : { sub: payload.sub };
        const until = Math.min(clock.now() + VERIFIED_CACHE_MS, typeof payload.exp === "number" ? payload.exp * 1000 : Infinity);
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(token, { user, until });
        return user;
      } catch (error) {
        if (error instanceof UnauthenticatedError) throw error;
        throw new UnauthenticatedError(reasonOf(error), { cause: error });
      }
    },
    async sign(subject, { ttlSeconds = 24 * 3600, claims = {} } = {}) {
      const issuedAt = Math.floor(clock.now() / 1000);
      return new SignJWT({ ...claims })
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
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim ${error.claim} is invalid: ${error.reason}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm is not HS256";
  return "token is malformed";
}

/**
 * The configured secret, or the one generated on first start and kept in
 * `DATA_DIR/jwt-secret` (mode 0600), so the embedded default is never open.
 */
export function resolveSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
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
