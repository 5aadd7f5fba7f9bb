import { FRAME_EVENT, FrameSchema, normalizeKeys, PLAYER_ACTIONS_STREAM, type Frame } from "@gamejournal/shared";
import type { JournalEntry } from "../journal/journal.ts";
import { hasParsedShape } from "../sessions/frame-input.ts";
import { applyAction, applyFrame, Draft, skipEntry, type MatchAggregate } from "./aggregate.ts";

/**
 * Folds one journal entry read from `stream` into its match's aggregate:
 * an `events:player_actions` entry, or a `match_ended` entry on any stream
 * (an explicit end is journaled on `events:rtapi`, in order with the
 * frames), as a player action; an entry of any other stream as a telemetry
 * frame when its data is one, else as an entry to skip (positions move on,
 * the summary does not change).
 * Same guarantees as `applyFrame` / `applyAction`: pure, deterministic, and
 * an entry at or before the aggregate's position on `stream` changes nothing.
 */
export function applyEntry(agg: MatchAggregate, stream: string, entry: JournalEntry, draft?: Draft): MatchAggregate {
  const meta = { id: entry.id, stream, time: entry.ts, ...(entry.user_id ? { user_id: entry.user_id } : {}) };
  if (stream === PLAYER_ACTIONS_STREAM || entry.type === "match_ended") return applyAction(agg, entry, meta, draft);
  const frame = frameOf(entry.data, entry.type === FRAME_EVENT);
  return frame ? applyFrame(agg, frame, meta, draft) : skipEntry(agg, meta, draft);
}

/**
 * Folds several entries of `stream`, in order: the same result as applying
 * `applyEntry` to each in turn (and `agg` itself when all are skipped),
 * with one copy of the aggregate instead of one per entry.
 */
export function applyEntries(agg: MatchAggregate, stream: string, entries: readonly JournalEntry[]): MatchAggregate {
  const draft = new Draft();
  let next = agg;
  for (const entry of entries) next = applyEntry(next, stream, entry, draft);
  return next;
}

/**
 * The telemetry frame a journal entry's data holds (bare, or in a `/v3/stream`
 * envelope's `frame`), in either protobuf-JSON naming; null when it is not one.
 * `player_bones` is dropped unread: the summary does not use it and it is
 * the bulk of a frame. A `frame` entry's frame (`journaled`: the server
 * wrote it from a frame it had parsed, see `journaledFrame`) that still has
 * that shape is taken without parsing it again.
 */
export function frameOf(data: unknown, journaled = false): Frame | null {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const inner = (data as { frame?: unknown }).frame;
  const raw = (inner !== null && typeof inner === "object" ? inner : data) as Record<string, unknown>;
  const { player_bones: _bones, playerBones: _camelBones, ...rest } = raw;
  if (journaled && hasParsedShape(rest)) return rest;
  const parsed = FrameSchema.safeParse(normalizeKeys(rest));
  return parsed.success ? parsed.data : null;
}
