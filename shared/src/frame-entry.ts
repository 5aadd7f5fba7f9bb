import type { Frame } from "./frames.ts";

/** The journal event type of an ingested frame, on `events:rtapi` and on its lobby's stream. */
export const FRAME_EVENT = "frame";

/**
 * A frame journal entry's `data`, as ingest writes it and the session-events
 * and match-summary workers read it.
 */
export interface FrameEntryData {
  /** The frame as validated (snake_case keys, unknown fields kept). */
  frame: Frame;
  /** The sender's node (`X-Node-ID`, default `default-node`). */
  node: string;
  /** The event keys present in the frame (seed 002's `event_types`). */
  event_types: string[];
}
