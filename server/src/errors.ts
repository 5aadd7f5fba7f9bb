/**
 * Domain errors. Each has a stable `code`; the edges (REST, tRPC, WebSocket)
 * translate codes to HTTP statuses and tRPC codes in one place
 * (`http/errors.ts`), so domain code never speaks HTTP.
 */

/** An error's message, for a log line or an answer (anything thrown, not only Errors). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type ErrorCode =
  | "VALIDATION"
  | "NOT_FOUND"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "CONFLICT"
  | "UNAVAILABLE"
  | "OVERLOADED"
  | "INTERNAL";

export class GameJournalError extends Error {
  /**
   * A domain's own name for this error in JSON answers, in place of `code`
   * (the game rooms answer `GAME_NOT_FOUND`, as their clients expect); the
   * status still follows `code`.
   */
  readonly publicCode?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not match the contract; `field` is its dotted path when known. */
export class ValidationError extends GameJournalError {
  constructor(
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super("VALIDATION", message, options);
  }
}

export class NotFoundError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("NOT_FOUND", message, options);
  }
}

export class UnauthenticatedError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNAUTHENTICATED", message, options);
  }
}

/** A credential that may not do what was asked (it lacks the scope, or it is another player's seat). */
export class ForbiddenError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("FORBIDDEN", message, options);
  }
}

export class TooLargeError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TOO_LARGE", message, options);
  }
}

/** A body in a format the route does not take (only JSON is taken where JSON is meant). */
export class UnsupportedMediaTypeError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNSUPPORTED_MEDIA_TYPE", message, options);
  }
}

/** Too many requests from one credential or address: `retryAfterSeconds` says when the next one would pass. */
export class RateLimitedError extends GameJournalError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super("OVERLOADED", message, options);
  }
}

/** A dependency (Redis, MongoDB) could not serve the request; retrying later may succeed. */
export class UnavailableError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNAVAILABLE", message, options);
  }
}

/** A reader fell too far behind; its feed is ended rather than buffered without bound. */
export class SlowConsumerError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("OVERLOADED", message, options);
  }
}
