import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { isMongoUnavailable } from "../backends/mongo.ts";
import { UnavailableError } from "../errors.ts";
import type { Lease, WorkerDefinition } from "../workers/index.ts";
import type { MatchCheckpointStore } from "./checkpoint-store.ts";
import type { MatchSummarizer } from "./summarizer.ts";
import type { MatchSummaryStore } from "./summary-store.ts";

export const MATCH_SUMMARY_GROUP = "match-summaries";

export interface MatchSummaryWorkerDeps {
  summarizer: MatchSummarizer;
  summaries: MatchSummaryStore;
  checkpoints: MatchCheckpointStore;
  /** One active summarizer across instances (a Redis lease; always held when embedded). */
  lease: Lease;
  onRetry?: () => void;
}

/**
 * The built-in match summary worker: the group `match-summaries` over
 * `events:rtapi` (frames, and the explicit end `matches.end` journals there,
 * in order with them) and `events:player_actions` (joins, leaves and other
 * actions), consumed under one lease and one fixed consumer name, so a
 * match's entries are folded by one summarizer in order, and whoever holds
 * the lease next resumes the pending entries of the previous holder first.
 * A MongoDB outage holds the entry and retries it (never dead-lettered).
 */
export function matchSummaryWorkers({ summarizer, summaries, checkpoints, lease, onRetry }: MatchSummaryWorkerDeps): WorkerDefinition[] {
  const common = {
    group: MATCH_SUMMARY_GROUP,
    consumerName: "match-summarizer",
    lease,
    isTransient: (error: unknown) => error instanceof UnavailableError || isMongoUnavailable(error),
    init: async () => {
      await summaries.init();
      await checkpoints.init();
    },
    onStart: async () => void (await summarizer.restore()),
    onStop: () => summarizer.forget(),
    ...(onRetry ? { onRetry } : {}),
  };
  return [RTAPI_STREAM, PLAYER_ACTIONS_STREAM].map((stream) => ({
    ...common,
    name: `${MATCH_SUMMARY_GROUP}(${stream})`,
    stream,
    handle: { batch: (entries) => summarizer.handleBatch(stream, entries) },
  }));
}
