import { FrameSchema, isUuid, normalizeKeys, sessionIdOf, type Frame } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";
import { describeIssues } from "../http/errors.ts";
import { isNormalisedStorable, isStorable, nestedArrayOf, unstorableKeyOf } from "./session-event.ts";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A LobbySessionStateFrame as any ingest path receives it: keys normalised
 * to snake_case (`frameIndex` → `frame_index`, `sessionID` → `session_id`),
 * checked against FrameSchema (unknown fields are kept), and refused when a
 * key could not be stored in MongoDB or an array sits directly in an array
 * (FerretDB cannot store that). Throws ValidationError naming the
 * field, prefixed by `at` (e.g. `frame.` or `[2].frame.`):
 * `frame.session.session_id: must be a UUID, got "x"`.
 */
export function parseFrame(raw: unknown, at = ""): Frame {
  const root = at.replace(/\.$/, "");
  if (!isObject(raw)) throw new ValidationError(`${root || "frame"}: must be a JSON object (a LobbySessionStateFrame)`, root || undefined);
  const parsed = FrameSchema.safeParse(normalizeKeys(raw));
  if (!parsed.success) {
    const { message, field } = describeIssues(parsed.error.issues);
    throw new ValidationError(field ? `${at}${message}` : `${root ? `${root}: ` : ""}${message}`, field ? `${at}${field}` : root || undefined);
  }
  if (isStorable(parsed.data)) return parsed.data;
  // Only for a frame that fails: which key, or which array, and where.
  const badKey = unstorableKeyOf(parsed.data);
  if (badKey !== undefined) throw new ValidationError(`${at}${badKey}: keys must not contain '.' or start with '$'`, `${at}${badKey}`);
  const nested = nestedArrayOf(parsed.data);
  if (nested !== undefined) throw new ValidationError(`${at}${nested}: an array directly inside an array cannot be stored (FerretDB); wrap it in an object`, `${at}${nested}`);
  return parsed.data;
}

/**
 * The frame of a `frame` journal entry, for the workers that read them back.
 * Only the server writes `frame` entries (clients may not append that type:
 * RESERVED_EVENT_TYPES), and only frames `parseFrame` returned, which parses
 * them to themselves. So a frame that still has that shape (a session with a
 * UUID, the typed fields it relies on, keys snake_case and storable, no array
 * in an array) is taken as it is, without parsing it a second time (it cost
 * the frames a third of the server's CPU); anything else gets the full
 * parse, and throws ValidationError as `parseFrame` does.
 */
export function journaledFrame(raw: unknown): Frame {
  return hasParsedShape(raw) ? raw : parseFrame(raw);
}

/** Whether `raw` has the shape of a frame `parseFrame` returned (see `journaledFrame`); never parses. */
export function hasParsedShape(raw: unknown): raw is Frame {
  if (!isObject(raw) || !isObject(raw.session)) return false;
  const { session, frame_index: index, timestamp, events } = raw;
  const id = session.session_id ?? session.sessionid;
  if (!isUuid(id)) return false;
  if (index !== undefined && !(Number.isInteger(index) && (index as number) >= 0)) return false;
  if (timestamp !== undefined && typeof timestamp !== "string") return false;
  if (events !== undefined && events !== null && !(Array.isArray(events) && events.every((e) => isObject(e) && Object.keys(e).length > 0))) return false;
  return isNormalisedStorable(raw);
}

/**
 * The frame of a `storeSessionEvent` mutation, as the reference reads it:
 * `frameData` is a LobbySessionStateFrame in protobuf-JSON (either naming),
 * `lobbySessionId` names its session. Like the reference, a frame without a
 * session id takes `lobbySessionId` and a frame without a timestamp takes
 * `receivedAt`, so the stored event is fully determined by what is returned.
 * Throws ValidationError naming the field (`lobbySessionId`,
 * `frameData.session.session_id`, ...).
 */
export function frameFromInput(lobbySessionId: string, frameData: unknown, receivedAt: number): Frame {
  if (!isUuid(lobbySessionId)) throw new ValidationError("lobbySessionId: must be a session UUID", "lobbySessionId");
  if (!isObject(frameData)) throw new ValidationError("frameData: must be a JSON object (a LobbySessionStateFrame)", "frameData");
  const frame = normalizeKeys(frameData) as Record<string, unknown>;
  const session = frame.session === undefined ? {} : frame.session;
  if (isObject(session) && session.session_id === undefined && session.sessionid === undefined) {
    frame.session = { ...session, session_id: lobbySessionId.toLowerCase() };
  } else {
    frame.session = session;
  }
  frame.timestamp ??= new Date(receivedAt).toISOString();

  const parsed = parseFrame(frame, "frameData.");
  if (sessionIdOf(parsed) !== lobbySessionId.toLowerCase()) {
    throw new ValidationError("lobbySessionId: does not match the frame's session id", "lobbySessionId");
  }
  return parsed;
}
