import { initTRPC } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { UnauthenticatedError } from "../errors.ts";
import { describeError } from "../http/errors.ts";
import { authorize, type AuthUser, type Identity, type Scope } from "./auth-user.ts";

/**
 * What every procedure sees, built per HTTP request and per WebSocket
 * connection by the transport (`trpc/context.ts`). Domain procedures get
 * their own dependencies as arguments of their router factory, not from here.
 */
export interface Context {
  /** Who sent the call and under which rules (see `authorize`). */
  readonly identity: Identity;
  /** `identity.user`, for procedures that take an optional credential (e.g. a game seat's view). */
  readonly user: AuthUser | null;
  /** How the call arrived: HTTP (queries, mutations, SSE subscriptions) or a WebSocket. */
  readonly transport: "http" | "ws";
  /**
   * Drops the connection the call arrived on, with a reason (a WebSocket
   * closes with 4008; an SSE stream is cut). Live feeds use it for a
   * subscriber that stopped reading.
   */
  readonly disconnect: (reason: string) => void;
}

/**
 * tRPC is initialised once here. No transformer: plain JSON in and out, so a
 * client in any language can `POST /trpc/<procedure>` (DESIGN.md).
 *
 * Errors: domain errors and schema failures thrown anywhere (procedures,
 * middleware, subscription generators) are mapped in the formatter, so the
 * tRPC code, the HTTP status and the message agree with the REST routes.
 */
const t = initTRPC.context<Context>().create({
  sse: {
    // Bun closes HTTP connections idle for 10 s by default: ping well under that.
    ping: { enabled: true, intervalMs: 4_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
  errorFormatter({ shape, error }) {
    const described = describeError(error);
    // tRPC adds the stack outside production; no answer carries one (issue 14).
    if (described.code === "INTERNAL" && error.code !== "INTERNAL_SERVER_ERROR") return { ...shape, data: { ...shape.data, stack: undefined } };
    return {
      ...shape,
      message: described.message,
      code: TRPC_ERROR_CODES_BY_KEY[described.trpcCode],
      data: {
        ...shape.data,
        code: described.trpcCode,
        httpStatus: described.status,
        ...(described.field ? { field: described.field } : {}),
        stack: undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Open to anyone. */
export const publicProcedure = t.procedure;

/**
 * Procedures that need a credential: the caller must hold `scope` (`any`:
 * any valid credential) under the server's AUTH_MODE, else UNAUTHORIZED
 * (401) or FORBIDDEN (403) saying why; `ctx.user` is then set. With
 * `credential`, a real credential is needed even in AUTH_MODE=open.
 */
export function scopedProcedure(scope: Scope | "any", opts: { credential?: boolean } = {}) {
  return t.procedure.use(function requireScope({ ctx, next }) {
    // tRPC merges this into the context: no copy of it here.
    return next({ ctx: { user: authorize(ctx.identity, scope, opts) } });
  });
}

/**
 * Open to anyone, but a credential that is sent must be good (401 saying why
 * otherwise): for reads whose answer depends on who asks (a game seat's view).
 */
export const optionalCredentialProcedure = t.procedure.use(function refuseBadCredential({ ctx, next }) {
  if (ctx.identity.problem) throw new UnauthenticatedError(ctx.identity.problem);
  return next();
});

/** Needs a valid credential of any scope, even in AUTH_MODE=open (what `/v3/stream` always took). */
export const authedProcedure = scopedProcedure("any", { credential: true });
/** Appends events and frames (on behalf of any user; see `assertActsAs` for callers without it). */
export const ingestProcedure = scopedProcedure("ingest");
/** Reads streams, summaries, session events and records. */
export const readProcedure = scopedProcedure("read");
/** Consumer groups, dead letters, keys, replays. */
export const adminProcedure = scopedProcedure("admin");

/** What a live feed needs to know of the subscriber a subscription serves: when to stop, its transport (for metrics), how to drop it. */
export interface Subscriber {
  signal: AbortSignal;
  transport: "ws" | "sse";
  disconnect: (reason: string) => void;
}

/** The subscriber of a subscription call: tRPC's abort signal (a fresh one when tRPC gives none) and the connection it arrived on (HTTP means SSE). */
export function subscriberOf(ctx: Context, signal: AbortSignal | undefined): Subscriber {
  return { signal: signal ?? new AbortController().signal, transport: ctx.transport === "ws" ? "ws" : "sse", disconnect: ctx.disconnect };
}
