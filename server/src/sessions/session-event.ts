import { createHash } from "node:crypto";
import { DEFAULT_NODE, eventTypesOf, isNodeId, sessionIdOf, snakeKeyOf, toMatchId, type Frame } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";

/**
 * Session events (seeds 001 and 002): one stored document per telemetry
 * frame, keyed by the lobby session (the game's session uuid) and by the
 * match (`<session uuid>.<node>`, seed 001).
 *
 * Identity and idempotency: a session event's `id` is derived from
 * (lobby_session_id, node, user_id, frame_index, timestamp in ms), so the same
 * frame sent twice by the same sender on the same node (a retry, a journal
 * redelivery) has the same id and is stored once. Two frames from one sender
 * are different events when their frame_index or their timestamp differ.
 */

/** A session event as stored and as the read APIs return it. */
export interface SessionEvent {
  /** The idempotency key (see `sessionEventId`); `_id` in MongoDB. */
  id: string;
  /** The game's session uuid, lower-cased. */
  lobby_session_id: string;
  /** `<lobby_session_id>.<node>`. */
  match_id: string;
  node: string;
  /** The sender's user id; "" when none was given. */
  user_id: string;
  /** The frame's `frame_index`, -1 when it has none; orders frames with equal timestamps. */
  frame_index: number;
  /** The frame as ingested (keys in snake_case, unknown fields kept). */
  frame: Record<string, unknown>;
  /** The event keys present in the frame, in order, without repeats. */
  event_types: string[];
  /** The frame's own timestamp; the time it was received when it has none. */
  timestamp: Date;
  created_at: Date;
  updated_at: Date;
}

/** The node named by an `X-Node-ID` header value; DEFAULT_NODE when absent or blank. Throws ValidationError when unusable. */
export function nodeIdOf(header: string | null | undefined): string {
  const node = header?.trim() ?? "";
  if (node === "") return DEFAULT_NODE;
  if (!isNodeId(node)) throw new ValidationError("X-Node-ID: must be 1 to 128 characters without spaces or '/'", "X-Node-ID");
  return node;
}

/** The idempotency key of a frame: a hash of (lobby_session_id, node, user_id, frame_index, timestamp ms). */
export function sessionEventId(key: {
  lobby_session_id: string;
  node: string;
  user_id: string;
  frame_index: number;
  timestamp: Date;
}): string {
  const tuple = JSON.stringify([key.lobby_session_id, key.node, key.user_id, key.frame_index, key.timestamp.getTime()]);
  return createHash("sha256").update(tuple).digest("base64url").slice(0, 32);
}

/**
 * The path of the first object key a document store cannot hold (MongoDB and
 * FerretDB refuse keys that contain `.` or NUL or start with `$`), e.g.
 * `session.a.b`; undefined when every key is storable. Ingest should refuse
 * such frames at the edge; the stores refuse them too.
 */
export function unstorableKeyOf(value: unknown, path = ""): string | undefined {
  // Almost every frame is storable: check without building paths, and find the path only for the one that is not.
  return walkKeys(value, (key) => !isUnstorableKey(key), { arrayInArray: true }) ? undefined : unstorablePathOf(value, path);
}

function isUnstorableKey(key: string): boolean {
  return key.charCodeAt(0) === 36 /* $ */ || key.includes(".") || key.includes("\0");
}

/**
 * True when every key of `value` is storable (see `unstorableKeyOf`) and no
 * array sits directly in an array (see `nestedArrayOf`): both checks in one
 * walk, for the frames that pass them.
 */
export function isStorable(value: unknown): boolean {
  return walkKeys(value, (key) => !isUnstorableKey(key), { arrayInArray: false });
}

/**
 * True when every key of `value` is storable (see `unstorableKeyOf`) and
 * already snake_case, and no array sits directly in an array: what
 * `parseFrame` guarantees of the frames it returns.
 */
export function isNormalisedStorable(value: unknown): boolean {
  return walkKeys(value, (key) => !isUnstorableKey(key) && snakeKeyOf(key) === key, { arrayInArray: false });
}

function unstorablePathOf(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePathOf(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const here = path === "" ? key : `${path}.${key}`;
    if (isUnstorableKey(key)) return here;
    const found = unstorablePathOf(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The path of the first array held directly in another array, e.g.
 * `player_bones.v[0]`; undefined when there is none. FerretDB (the
 * MongoDB-protocol server this project tests with) cannot store nested
 * arrays, so a frame holding one would be acknowledged and then
 * dead-lettered by the session-events worker: ingest refuses it instead,
 * on every deployment alike. Walks without recursion.
 */
export function nestedArrayOf(value: unknown): string | undefined {
  // Paths are built only for a frame that has one (the walk below allocates for every value).
  return walkKeys(value, () => true, { arrayInArray: false }) ? undefined : nestedArrayPathOf(value);
}

/**
 * The one walk behind the frame checks: false as soon as `keyOk` refuses an
 * object key, or (unless `arrayInArray` allows it) an array sits directly in
 * an array; else true. Without recursion (a frame may nest deeper than the
 * call stack) and without building paths: the checks build a path only for
 * the value that fails.
 */
function walkKeys(root: unknown, keyOk: (key: string) => boolean, { arrayInArray }: { arrayInArray: boolean }): boolean {
  const values: unknown[] = [root];
  const inArrays: boolean[] = [false];
  while (values.length > 0) {
    const value = values.pop();
    const inArray = inArrays.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      if (inArray && !arrayInArray) return false;
      for (let i = 0; i < value.length; i++) {
        values.push(value[i]);
        inArrays.push(true);
      }
      continue;
    }
    const object = value as Record<string, unknown>;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      if (!keyOk(key)) return false;
      values.push(object[key]);
      inArrays.push(false);
    }
  }
  return true;
}

function nestedArrayPathOf(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string; inArray: boolean }> = [{ value, path: "", inArray: false }];
  while (stack.length > 0) {
    const { value: v, path, inArray } = stack.pop()!;
    if (Array.isArray(v)) {
      if (inArray) return path;
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]`, inArray: true });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i]!;
        stack.push({ value: inner, path: path === "" ? key : `${path}.${key}`, inArray: false });
      }
    }
  }
  return undefined;
}

export interface ToSessionEventOptions {
  /** `X-User-ID`, or the token's subject; "" when none. */
  userId?: string | undefined;
  /** `X-Node-ID`; DEFAULT_NODE when absent. */
  node?: string | undefined;
  /** When the frame entered the system (the journal entry's time); the timestamp of a frame without one. */
  receivedAt: Date | number;
  /** created_at and updated_at. */
  now: Date | number;
}

/**
 * The session event for a validated, key-normalized frame (`FrameSchema`).
 * Deterministic: the same frame, sender, node and `receivedAt` always give
 * the same `id`, which is what makes a replayed frame a no-op.
 */
export function toSessionEvent(frame: Frame, { userId = "", node = DEFAULT_NODE, receivedAt, now }: ToSessionEventOptions): SessionEvent {
  const lobby_session_id = sessionIdOf(frame);
  const parsed = frame.timestamp === undefined ? NaN : Date.parse(frame.timestamp);
  const timestamp = new Date(Number.isNaN(parsed) ? new Date(receivedAt).getTime() : parsed);
  const frame_index = frame.frame_index ?? -1;
  const at = new Date(now);
  return {
    id: sessionEventId({ lobby_session_id, node, user_id: userId, frame_index, timestamp }),
    lobby_session_id,
    match_id: toMatchId(lobby_session_id, node),
    node,
    user_id: userId,
    frame_index,
    frame: frame as Record<string, unknown>,
    event_types: eventTypesOf(frame),
    timestamp,
    created_at: at,
    updated_at: at,
  };
}
