import { FRAME_EVENT, isNodeId, RTAPI_STREAM, type FrameEntryData } from "@gamejournal/shared";
import { parseId } from "../journal/ids.ts";
import type { JournalEntry } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import type { WorkerDefinition } from "../workers/index.ts";
import { journaledFrame } from "./frame-input.ts";

import { toSessionEvent, type SessionEvent } from "./session-event.ts";
import type { SessionEventStore } from "./session-event-store.ts";

/** The consumer group of the session events worker on `events:rtapi`. */
export const SESSION_EVENTS_GROUP = "session-events";

export interface SessionEventsWorkerDeps {
  store: SessionEventStore;
  clock: Clock;
  logger: Logger;
}

/**
 * The built-in worker that fills session storage from the journal: it reads
 * `events:rtapi` in the `session-events` group and stores each `frame` entry
 * as a session event (other entry types are acknowledged and left alone).
 *
 * - The store is idempotent by the event's id, so a redelivered entry, or the
 *   same frame journaled twice by different paths, is stored once.
 * - The stored `timestamp` of a frame without one is the entry's time (its
 *   id's milliseconds), so a redelivery stores the same document.
 * - `init` (the store's tables or indexes) runs before the first entry; while
 *   MongoDB is away the store rejects with UnavailableError and the runner
 *   retries the entry in place: storage is delayed, nothing is lost.
 * - An entry whose data is not a storable frame (only a direct journal append
 *   can make one) is logged and skipped.
 */
export function sessionEventsWorker({ store, clock, logger }: SessionEventsWorkerDeps): WorkerDefinition {
  if (!store) throw new Error("session events worker: no store");
  if (!clock) throw new Error("session events worker: no clock");
  return {
    name: "session-events",
    stream: RTAPI_STREAM,
    group: SESSION_EVENTS_GROUP,
    init: () => store.init(),
    // One store call per read: the store writes a batch in one round trip, idempotently.
    handle: {
      async batch(entries) {
        const events: SessionEvent[] = [];
        const now = clock.now();
        for (const entry of entries) {
          if (entry.type !== FRAME_EVENT) continue;
          const event = sessionEventOfEntry(entry.id, entry, now);
          if (event) events.push(event);
          else logger.warn({ id: entry.id, stream: RTAPI_STREAM }, "frame entry without a storable frame; skipped");
        }
        if (events.length > 0) await store.store(events);
      },
    },
  };
}

/** The session event a `frame` journal entry stands for; undefined when its data is not a storable frame. */
export function sessionEventOfEntry(id: string, entry: JournalEntry, now: number): SessionEvent | undefined {
  const data = entry.data as Partial<FrameEntryData> | null;
  if (typeof data !== "object" || data === null) return undefined;
  const node = data.node;
  if (typeof node !== "string" || !isNodeId(node)) return undefined;
  try {
    const frame = journaledFrame(data.frame);
    return toSessionEvent(frame, { userId: entry.user_id ?? "", node, receivedAt: parseId(id).ms, now });
  } catch {
    return undefined;
  }
}
