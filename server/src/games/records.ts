import type { GameEventRecord } from "@gamejournal/shared";
import { eventView } from "./rules/index.ts";
import { toGameEvent } from "./room.ts";
import type { StoredEvent } from "./store/index.ts";

/**
 * A stored event as `viewer` may read it (null: a spectator): filtered by
 * the rules' `eventView`, so no seed, deck order or other player's hand
 * leaves the server, whichever way the event is read (a command's answer,
 * the log read back, the live feed).
 */
export function toRecord(stored: StoredEvent, viewer: number | null): GameEventRecord {
  const view = eventView(toGameEvent(stored), viewer);
  return { eventId: stored.eventId, type: view.type, playerId: view.playerId, timestamp: new Date(stored.timestamp).toISOString(), data: view.data };
}
