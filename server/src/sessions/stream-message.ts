import type { Frame } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";
import { parseFrame } from "./frame-input.ts";

/** One item of a `/v3/stream` message: a frame to ingest, or a capture header to acknowledge. */
export type StreamItem = { kind: "frame"; frame: Frame } | { kind: "header"; header: Record<string, unknown> };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The items of one `/v3/stream` text message, in order. A message is one of:
 * - a protobuf-JSON `Envelope` as nevr-agent marshals it: `{"frame": {...}}`
 *   or `{"header": {"capture_id", "created_at", "metadata"}}`;
 * - a bare LobbySessionStateFrame (an object with `session`, or without
 *   `frame` and `header`);
 * - a non-empty array of either.
 * Frames go through `parseFrame` (either naming, unknown fields kept).
 * Throws ValidationError naming the place, e.g. `[2].frame.session.session_id: ...`.
 */
export function parseStreamMessage(text: string): StreamItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError("the message is not valid JSON");
  }
  if (!Array.isArray(value)) return [itemOf(value, "")];
  if (value.length === 0) throw new ValidationError("the message is an empty array; expected Envelopes or frames");
  return value.map((item, i) => itemOf(item, `[${i}]`));
}

function itemOf(value: unknown, at: string): StreamItem {
  const where = at || "message";
  const prefix = at ? `${at}.` : "";
  if (!isObject(value)) {
    throw new ValidationError(`${where}: must be a JSON object: an Envelope ({"frame": {...}} or {"header": {...}}) or a frame`, at || undefined);
  }
  const isEnvelope = !("session" in value) && ("frame" in value || "header" in value);
  if (!isEnvelope) return { kind: "frame", frame: parseFrame(value, prefix) };
  if ("frame" in value && "header" in value) {
    throw new ValidationError(`${where}: an Envelope holds either "frame" or "header", not both`, at || undefined);
  }
  if ("frame" in value) return { kind: "frame", frame: parseFrame(value.frame, `${prefix}frame.`) };
  if (!isObject(value.header)) throw new ValidationError(`${prefix}header: must be a JSON object`, `${prefix}header`);
  return { kind: "header", header: value.header };
}
