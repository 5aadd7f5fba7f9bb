import { FRAME_EVENT, RTAPI_STREAM, type RebuildProgress } from "@gamejournal/shared";
import type { Journal } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";
import type { SessionEvent } from "../sessions/session-event.ts";
import type { SessionEventStore } from "../sessions/session-event-store.ts";
import { sessionEventOfEntry } from "../sessions/session-events-worker.ts";
import { openScan } from "./rebuild-scan.ts";
import type { RebuildOptions } from "./rebuild-matches.ts";

export interface RebuildSessionEventsDeps {
  journal: Journal;
  store: SessionEventStore;
  clock: Clock;
}

/**
 * Recomputes stored session events from the `frame` entries of
 * `events:rtapi`, read directly (rebuild-scan.ts: the live `session-events`
 * group is not touched), exactly as the live worker derives them
 * (`sessionEventOfEntry`). The store is idempotent by event id and never
 * overwrites (its guarantee 1), so a rebuild restores every missing event
 * (`changed`: how many were created) and counts the ones already stored as
 * `unchanged`; running it beside the live worker, or twice, stores nothing
 * twice. Partial ranges are harmless here: each event is one frame.
 */
export async function rebuildSessionEvents(deps: RebuildSessionEventsDeps, options: RebuildOptions = {}): Promise<RebuildProgress> {
  await deps.store.init();
  const scan = await openScan({ journal: deps.journal, streams: [RTAPI_STREAM], clock: deps.clock, ...(options.from ? { from: options.from } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const matches = new Set<string>();
  const counts = { changed: 0, unchanged: 0 };
  const progress = (): RebuildProgress => ({ ...scan.progress(), matches: matches.size, ...counts, skipped: { open: 0, partial: 0 } });
  for await (const batch of scan.batches()) {
    const now = deps.clock.now();
    const events: SessionEvent[] = [];
    for (const { entry } of batch) {
      if (entry.type !== FRAME_EVENT) continue;
      const event = sessionEventOfEntry(entry.id, entry, now);
      if (!event || (options.matchId !== undefined && event.match_id !== options.matchId)) continue;
      matches.add(event.match_id);
      events.push(event);
    }
    if (events.length > 0) {
      const { stored } = await deps.store.store(events);
      counts.changed += stored;
      counts.unchanged += events.length - stored;
    }
    options.onProgress?.(progress());
  }
  return progress();
}
