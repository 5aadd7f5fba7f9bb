import type { FrameEvent, Session } from "../../../shared/src/frames.ts";
import { diffSnapshots } from "./event-differ.ts";

/** Which frames leave the agent (nevr-agent's stream filters). */
export interface FrameFilter {
  /** Send every polled frame; otherwise only frames with at least one event. */
  allFrames: boolean;
  /** Only frames while `game_status` is `playing` (or paused, unless `excludePaused`). */
  activeOnly: boolean;
  /** With `activeOnly`, leave paused frames out too. */
  excludePaused: boolean;
  /** Only these match types (case-insensitive); empty: all. Takes precedence over `excludeModes`. */
  includeModes: string[];
  /** Not these match types (case-insensitive). */
  excludeModes: string[];
}

/** A `LobbySessionStateFrame` in proto field names. */
export interface OutgoingFrame {
  frame_index: number;
  timestamp: string;
  events: FrameEvent[];
  session: Session;
  player_bones?: Record<string, unknown>;
}

export interface FrameBuilder {
  /**
   * Takes the next `/session` snapshot of one game and returns the frame to
   * send, or undefined when the filters hold it back.
   */
  next(snapshot: { sessionId: string; session: Session }, bones: Record<string, unknown> | undefined, capturedAtMs: number): OutgoingFrame | undefined;
  /** The session the last snapshot belonged to. */
  readonly sessionId: string | undefined;
}

/**
 * Turns one game's successive snapshots into frames:
 *
 * 1. Events come from comparing each snapshot with the previous one of the
 *    same session (`diffSnapshots`), whether or not that one was sent, so a
 *    filter never hides a change from the next comparison.
 * 2. A new session id starts over: no previous snapshot, frame index 0.
 *    Polls that found no match do not reach the builder, so a game that
 *    drops out briefly and comes back in the same session carries on.
 * 3. `frame_index` counts the frames of the session that passed the
 *    filters, from 0 without gaps; `timestamp` is the capture time in RFC 3339.
 */
export function createFrameBuilder(filter: FrameFilter): FrameBuilder {
  const include = new Set(filter.includeModes.map((m) => m.toLowerCase()));
  const exclude = new Set(filter.excludeModes.map((m) => m.toLowerCase()));
  let sessionId: string | undefined;
  let previous: Session | undefined;
  let nextIndex = 0;

  function passes(session: Session, events: FrameEvent[]): boolean {
    const mode = (session.match_type ?? "").toLowerCase();
    if (include.size > 0 ? !include.has(mode) : exclude.has(mode)) return false;
    if (filter.activeOnly) {
      const status = session.game_status ?? "";
      const paused = status === "paused" || status === "round_paused";
      if (status !== "playing" && !(paused && !filter.excludePaused)) return false;
    }
    return filter.allFrames || events.length > 0;
  }

  return {
    next(snapshot, bones, capturedAtMs) {
      if (snapshot.sessionId !== sessionId) {
        sessionId = snapshot.sessionId;
        previous = undefined;
        nextIndex = 0;
      }
      const events = diffSnapshots(previous, snapshot.session);
      previous = snapshot.session;
      if (!passes(snapshot.session, events)) return undefined;
      const frame: OutgoingFrame = {
        frame_index: nextIndex++,
        timestamp: new Date(capturedAtMs).toISOString(),
        events,
        session: snapshot.session,
      };
      if (bones) frame.player_bones = bones;
      return frame;
    },
    get sessionId() {
      return sessionId;
    },
  };
}
