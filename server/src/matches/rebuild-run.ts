import type { Journal } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";
import type { SessionEventStore } from "../sessions/session-event-store.ts";
import type { MatchCheckpointStore } from "./checkpoint-store.ts";
import type { RunRebuild } from "./rebuild-jobs.ts";
import { rebuildMatches } from "./rebuild-matches.ts";
import { rebuildSessionEvents } from "./rebuild-session-events.ts";
import type { MatchSummaryStore } from "./summary-store.ts";

export interface RebuildDeps {
  journal: Journal;
  summaries: MatchSummaryStore;
  checkpoints: MatchCheckpointStore;
  sessionEvents: SessionEventStore;
  clock: Clock;
}

/** One function for every rebuild target, over the given stores (the admin API's and the CLI's). */
export function rebuildRunner({ journal, summaries, checkpoints, sessionEvents, clock }: RebuildDeps): RunRebuild {
  return (target, options) =>
    target === "matches" ? rebuildMatches({ journal, summaries, checkpoints, clock }, options) : rebuildSessionEvents({ journal, store: sessionEvents, clock }, options);
}
