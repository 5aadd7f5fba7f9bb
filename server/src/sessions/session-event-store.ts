import { ValidationError } from "../errors.ts";
import { unstorableKeyOf, type SessionEvent } from "./session-event.ts";

/**
 * Storage of session events (the port; adapters: MongoDB and embedded SQLite,
 * both held to one contract suite, test/sessions/session-event-store.contract.ts).
 *
 * Guarantees every adapter keeps:
 * 1. `store` is idempotent: an event whose `id` is already stored is skipped,
 *    never duplicated and never overwritten (its created_at stays the first one);
 *    this holds for concurrent writers too (a unique key, not a read-then-write).
 * 2. Reads return events in frame order: `timestamp`, then `frame_index`, then
 *    `id` (a total order, so pages never skip or repeat an event).
 * 3. `after` is a stable cursor: the page continues strictly after the event
 *    it names, whatever was stored or re-stored in the meantime.
 * 4. An event whose frame has a key MongoDB cannot hold (`.`, NUL, leading
 *    `$`; see `unstorableKeyOf`) rejects the whole call with a ValidationError
 *    before anything is written, on every adapter alike.
 * 5. A failing backend rejects; nothing resolves on failure.
 */
export interface SessionEventStore {
  /** Creates the table or collection and its indexes; safe to call on every start. */
  init(): Promise<void>;
  /** Stores each event unless its id is already stored; resolves with how many were new. */
  store(events: SessionEvent | readonly SessionEvent[]): Promise<{ stored: number }>;
  /** A lobby session's events in frame order. */
  byLobbySession(lobbySessionId: string, options?: PageOptions): Promise<SessionEventPage>;
  /** A match's (one node's view of a lobby session) events in frame order. */
  byMatch(matchId: string, options?: PageOptions): Promise<SessionEventPage>;
  countByLobbySession(lobbySessionId: string): Promise<number>;
  countByMatch(matchId: string): Promise<number>;
  /** How many events a lobby session has, when its first was stored and its last updated; undefined when it has none. */
  lobbySessionInfo(lobbySessionId: string): Promise<LobbySessionInfo | undefined>;
}

export interface PageOptions {
  /** At most this many events (1 to MAX_PAGE_LIMIT); unset: all of them. */
  limit?: number | undefined;
  /** A cursor from `next_after` or `cursorOf`: start strictly after that event. */
  after?: string | undefined;
  /** Skip this many events (after `after`, when both are given). */
  offset?: number | undefined;
}

export interface SessionEventPage {
  events: SessionEvent[];
  /** The cursor for the next page; present only when more events follow. */
  next_after?: string;
}

export interface LobbySessionInfo {
  lobby_session_id: string;
  count: number;
  /** created_at of its first event in frame order. */
  created_at: Date;
  /** updated_at of its last event in frame order. */
  updated_at: Date;
}

export const MAX_PAGE_LIMIT = 10_000;

/** Where an event sits in frame order; what a cursor encodes. */
export interface FramePosition {
  timestamp: number;
  frame_index: number;
  id: string;
}

/** The opaque cursor naming `event`'s position in frame order. */
export function cursorOf(event: Pick<SessionEvent, "timestamp" | "frame_index" | "id">): string {
  return Buffer.from(JSON.stringify([event.timestamp.getTime(), event.frame_index, event.id])).toString("base64url");
}

/** The position a cursor names; throws ValidationError (field `after`) for anything `cursorOf` did not make. */
export function positionOf(cursor: string): FramePosition {
  try {
    const [timestamp, frame_index, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (Number.isSafeInteger(timestamp) && Number.isSafeInteger(frame_index) && typeof id === "string" && id !== "") {
      return { timestamp: timestamp as number, frame_index: frame_index as number, id };
    }
  } catch {
    // fall through
  }
  throw new ValidationError("after: not a cursor this server issued", "after");
}

/** Checked paging options: limit, offset and the decoded cursor; throws ValidationError naming the field. */
export function checkPage(options: PageOptions = {}): { limit: number | undefined; offset: number; after: FramePosition | undefined } {
  const { limit, offset = 0, after } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)) {
    throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE_LIMIT}`, "limit");
  }
  if (!Number.isInteger(offset) || offset < 0) throw new ValidationError("offset: must be a non-negative integer", "offset");
  return { limit, offset, after: after === undefined ? undefined : positionOf(after) };
}

/** The events of a `store` call as a list, after checking each frame's keys (guarantee 4). */
export function storableEvents(events: SessionEvent | readonly SessionEvent[]): readonly SessionEvent[] {
  const list = Array.isArray(events) ? (events as readonly SessionEvent[]) : [events as SessionEvent];
  for (const event of list) {
    const key = unstorableKeyOf(event.frame);
    if (key !== undefined) {
      throw new ValidationError(`frame.${key}: keys must not contain '.' or start with '$' (event ${event.id})`, `frame.${key}`);
    }
  }
  return list;
}

/** Cuts one extra fetched row off a page and turns it into `next_after`. */
export function toPage(rows: SessionEvent[], limit: number | undefined): SessionEventPage {
  if (limit === undefined || rows.length <= limit) return { events: rows };
  const events = rows.slice(0, limit);
  return { events, next_after: cursorOf(events[events.length - 1]!) };
}
