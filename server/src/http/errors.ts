import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { isMongoUnavailable } from "../backends/mongo.ts";
import { isRedisOutage } from "../backends/redis-errors.ts";
import { GameJournalError, NotFoundError, UnavailableError, type ErrorCode } from "../errors.ts";

/**
 * The one place where domain error codes become HTTP statuses and tRPC codes.
 * REST handlers, the tRPC error formatter and the WebSocket endpoints all go
 * through `describeError`.
 */

const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  OVERLOADED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  VALIDATION: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  OVERLOADED: "TOO_MANY_REQUESTS",
  INTERNAL: "INTERNAL_SERVER_ERROR",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

export interface SchemaIssue {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined;
  message: string;
}

/** `a.b[2].c`, from a zod / standard-schema issue path. */
export function issuePath(issue: SchemaIssue): string {
  let out = "";
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line naming the first offending field, e.g. `lobby_id: Required`. */
export function describeIssues(issues: readonly SchemaIssue[]): { message: string; field: string | undefined } {
  const first = issues[0];
  if (!first) return { message: "invalid input", field: undefined };
  const field = issuePath(first) || undefined;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  // Messages that already name their field ("lobby_id is required") are not prefixed again.
  const prefix = field && !first.message.startsWith(field) ? `${field}: ` : "";
  return { message: `${prefix}${first.message}${more}`, field };
}

function hasIssues(value: unknown): value is { issues: SchemaIssue[] } {
  return typeof value === "object" && value !== null && Array.isArray((value as { issues?: unknown }).issues);
}

export interface DescribedError {
  status: number;
  trpcCode: TRPC_ERROR_CODE_KEY;
  code: ErrorCode;
  /** The domain's own name for the error in JSON answers (see GameJournalError.publicCode). */
  publicCode?: string;
  message: string;
  field?: string;
}

/**
 * Classifies any thrown value. Domain errors keep their message; schema
 * failures name the field; anything else is an internal error whose details
 * stay in the log, not in the answer.
 */
export function describeError(error: unknown): DescribedError {
  const cause = unwrap(error);
  if (cause instanceof GameJournalError) {
    const field = (cause as { field?: string }).field;
    return {
      status: HTTP_STATUS[cause.code],
      trpcCode: TRPC_CODE[cause.code],
      code: cause.code,
      ...(cause.publicCode ? { publicCode: cause.publicCode } : {}),
      message: cause.message,
      ...(field ? { field } : {}),
    };
  }
  if (hasIssues(cause)) {
    const { message, field } = describeIssues(cause.issues);
    return { status: 400, trpcCode: "BAD_REQUEST", code: "VALIDATION", message, ...(field ? { field } : {}) };
  }
  return { status: 500, trpcCode: "INTERNAL_SERVER_ERROR", code: "INTERNAL", message: "internal error" };
}

/** A driver error that means a dependency could not be reached (503), or that names something missing (404): not a 500. */
function unreachable(error: unknown): GameJournalError | undefined {
  // Redis's and the embedded journal's answer for a consumer group that does not exist.
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === "string" && /^NOGROUP\b/.test(message)) return new NotFoundError("no such consumer group on this stream; create it first (journal.groups.create)", { cause: error });
  if (isMongoUnavailable(error)) return new UnavailableError("MongoDB is unavailable", { cause: error });
  // A standalone client on a cluster node: a configuration error, said as such.
  if (typeof message === "string" && /^(MOVED|ASK|CROSSSLOT) /.test(message)) {
    return new UnavailableError("Redis answered as a cluster node: set JOURNAL_REDIS_CLUSTER=true", { cause: error });
  }
  // A connection failure, or a cluster that is failing over or moving slots (CLUSTERDOWN, TRYAGAIN, ...).
  if (isRedisOutage(error)) return new UnavailableError(`Redis is unavailable: ${String(message ?? "no answer")}`, { cause: error });
  return undefined;
}

/** tRPC wraps thrown errors; domain and schema errors sit in `cause`. */
function unwrap(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4; depth++) {
    if (current instanceof GameJournalError || hasIssues(current)) return current;
    const down = unreachable(current);
    if (down) return down;
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined) break;
    current = next;
  }
  // A TRPCError thrown on purpose (e.g. UNAUTHORIZED) keeps its own code.
  const trpc = error as { name?: string; code?: string; message?: string };
  if (trpc?.name === "TRPCError" && trpc.code && trpc.code !== "INTERNAL_SERVER_ERROR") {
    const code = Object.entries(TRPC_CODE).find(([, t]) => t === trpc.code)?.[0] as ErrorCode | undefined;
    if (code) return new GameJournalError(code, trpc.message ?? code);
  }
  return error;
}
