import { RTAPI_STREAM, toLobbyStream } from "@gamejournal/shared";
import type { DeriveWrites } from "../journal/event-journal.ts";

/**
 * The one telemetry write path. Every journal write to `events:rtapi` that
 * carries a `lobby_id` (a broadcast, a frame, `journal.telemetry`, the REST
 * telemetry route, an `appendBatch` entry) is also written, as the same
 * event, to that lobby's capped stream `lobby:{<lobby_id>}:events`, which is
 * what the lobby's live subscribers follow. The journal appends both in one
 * call (one SQLite transaction; one Redis script), so they do not come
 * apart, except on a Redis Cluster, where the two streams are two slots and
 * so two scripts. Should a call fail midway (there, or Redis unreachable
 * between the two streams), retrying it with the same idempotency key
 * writes what is missing and answers the first ids for what was there.
 */
export function lobbyWrites(lobbyStreamMaxLen: number): DeriveWrites {
  if (!Number.isSafeInteger(lobbyStreamMaxLen) || lobbyStreamMaxLen < 1) {
    throw new Error(`lobby writes: lobbyStreamMaxLen must be a positive integer, got ${lobbyStreamMaxLen}`);
  }
  return (write) => {
    const lobbyId = write.stream === RTAPI_STREAM ? write.event.lobby_id : undefined;
    if (!lobbyId) return [];
    return [
      { stream: toLobbyStream(lobbyId), event: write.event, ...(write.dataJson !== undefined ? { dataJson: write.dataJson } : {}), maxLen: lobbyStreamMaxLen },
    ];
  };
}
