import { initTRPC, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { describeError } from "../http/errors.ts";
import type { AuthUser } from "./auth-user.ts";

/**
 * What every procedure sees, built per HTTP request and per WebSocket
 * connection by the transport (`trpc/context.ts`). Domain procedures get
 * their own dependencies as arguments of their router factory, not from here.
 */
export interface Context {
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
    if (described.code === "INTERNAL" && error.code !== "INTERNAL_SERVER_ERROR") return shape;
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

/** Requires a verified token; `ctx.user` is set. */
export const authedProcedure = t.procedure.use(function requireUser({ ctx, next }) {
  if (!ctx.user) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "a valid token is required (Authorization: Bearer <jwt>)" });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});
