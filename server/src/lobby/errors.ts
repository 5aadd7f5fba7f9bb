import { GameJournalError } from "../errors.ts";

/**
 * The lobby's compare-and-set failures. Both carry code CONFLICT (409 at the
 * edges); the gm events worker absorbs both as a replay.
 */

/** The record is no longer in the state the caller expected (someone else moved it first). */
export class ConflictError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFLICT", message, options);
  }
}

/** The transition table has no arrow from this status to that one for this trigger. */
export class InvalidTransitionError extends GameJournalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFLICT", message, options);
  }
}
