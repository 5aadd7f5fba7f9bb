import { eventTypesOf, FRAME_EVENT, RTAPI_STREAM, sessionIdOf, StreamModeLobbySessionTelemetry, toMatchId, type Frame, type FrameEntryData } from "@gamejournal/shared";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { AppendWrite, JournalEvent } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";
import { parseFrame } from "./frame-input.ts";
import { sessionEventId } from "./session-event.ts";

/** Who sent a frame: the user (`X-User-ID`, else the token's subject, else "") and the node. */
export interface FrameSender {
  userId: string;
  node: string;
  /** The caller's key namespace (see `scopedKey`); unset in AUTH_MODE=open. */
  principal?: string;
}

export interface IngestResult {
  /** Per frame, in order: its entry id on `events:rtapi` (for a repeat, the first delivery's); null while spooled. */
  ids: Array<string | null>;
  /** Per frame, in order: `<session uuid>.<node>`. */
  match_ids: string[];
  /** Present when Redis was unreachable: the frames are kept in the spool and reach Redis later. */
  spooled?: true;
}

/** What the ingest edges (REST, `/v3/stream`, GraphQL) call with frames checked by `parseFrame`; FrameIngest implements it. */
export interface FrameIngestApi {
  ingest(frames: readonly Frame[], sender: FrameSender): Promise<IngestResult>;
}

/**
 * Ingest of frames not checked yet (the tRPC edge, through `Services`).
 * Declared without the frame schema's types so that the typed client's
 * declarations do not depend on zod.
 */
export interface UncheckedFrameIngest {
  /** Checks each frame with `parseFrame` (a ValidationError names `frames[i].<field>`), then ingests them all. */
  parseAndIngest(frames: readonly unknown[], sender: FrameSender): Promise<IngestResult>;
}

export interface FrameIngestDeps {
  /** The journal API: it enforces the size limits (413), records metrics, and writes each frame to its lobby's stream too. */
  journal: JournalingApi;
  clock: Clock;
  /** Largest journaled frame, as JSON bytes (`FRAME_MAX_BYTES`); frames with bones are larger than other events. */
  frameMaxBytes?: number;
}

/**
 * The one ingest pipeline every path uses (REST POSTs, `WS /v3/stream`, the
 * GraphQL mutation, tRPC), for frames already checked by `parseFrame`.
 *
 * Guarantees:
 * 1. Journal first: each frame becomes one entry on `events:rtapi` (type
 *    `frame`, mode 0x16, `lobby_id` = the frame's session id, `match_id` =
 *    `<uuid>.<node>`, `user_id`, data `{frame, node, event_types}`), which
 *    the journal also writes to its lobby's stream `lobby:{<uuid>}:events`
 *    (the one telemetry write path). All frames of a call go in one `append`; nothing
 *    else is written here (storage is the session-events worker's job, live
 *    delivery the lobby stream's tailers').
 * 2. `ingest` resolves only once the append is durable (or spooled while
 *    Redis is away, which is durable too); it rejects with TooLargeError
 *    for a frame over the journal's event size or a call over its batch size.
 * 3. Idempotency: a frame with a timestamp carries the key
 *    `frame:<session event id>`, derived from (session id, node, user,
 *    frame_index, timestamp) on both streams, so a frame delivered twice is
 *    journaled once and answered with the first delivery's id. A frame
 *    without a timestamp has no key: each delivery is a new entry.
 */
export class FrameIngest implements FrameIngestApi, UncheckedFrameIngest {
  constructor(private readonly deps: FrameIngestDeps) {
    if (!deps?.journal) throw new Error("new frame ingest: no journal");
    if (!deps.clock) throw new Error("new frame ingest: no clock");
  }

  async ingest(frames: readonly Frame[], sender: FrameSender): Promise<IngestResult> {
    if (frames.length === 0) return { ids: [], match_ids: [] };
    const now = this.deps.clock.now();
    const writes = frames.map((frame) => frameWrite(frame, sender, now));
    const answer = await this.deps.journal.append(writes, {
      ...(this.deps.frameMaxBytes ? { maxEventBytes: this.deps.frameMaxBytes } : {}),
      ...(sender.principal ? { principal: sender.principal } : {}),
    });
    return {
      ids: answer.ids,
      match_ids: frames.map((frame) => toMatchId(sessionIdOf(frame), sender.node)),
      ...(answer.spooled ? { spooled: true as const } : {}),
    };
  }

  parseAndIngest(frames: readonly unknown[], sender: FrameSender): Promise<IngestResult> {
    return this.ingest(
      frames.map((frame, i) => parseFrame(frame, `frames[${i}].`)),
      sender,
    );
  }

  /** One frame through `ingest`, with the shape of the GraphQL module's `IngestFrame`. */
  readonly ingestFrame = async (frame: Frame, sender: FrameSender): Promise<{ ids: Array<string | null> }> => ({
    ids: (await this.ingest([frame], sender)).ids,
  });
}

/** The idempotency key of a frame from `sender`: `frame:<session event id>`; undefined without a usable timestamp. */
export function frameKeyOf(frame: Frame, sender: FrameSender): string | undefined {
  const ms = frame.timestamp === undefined ? NaN : Date.parse(frame.timestamp);
  if (Number.isNaN(ms)) return undefined;
  const id = sessionEventId({
    lobby_session_id: sessionIdOf(frame),
    node: sender.node,
    user_id: sender.userId,
    frame_index: frame.frame_index ?? -1,
    timestamp: new Date(ms),
  });
  return `frame:${id}`;
}

/** The journal write of one frame, on `events:rtapi` with its lobby id. */
export function frameWrite(frame: Frame, sender: FrameSender, now: number): AppendWrite {
  const lobbyId = sessionIdOf(frame);
  const key = frameKeyOf(frame, sender);
  const data: FrameEntryData = { frame, node: sender.node, event_types: eventTypesOf(frame) };
  const event: JournalEvent = {
    type: FRAME_EVENT,
    mode: StreamModeLobbySessionTelemetry,
    lobby_id: lobbyId,
    match_id: toMatchId(lobbyId, sender.node),
    ...(sender.userId ? { user_id: sender.userId } : {}),
    ts: now,
    data,
    ...(key ? { key } : {}),
  };
  return { stream: RTAPI_STREAM, event };
}
