import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { isMongoUnavailable } from "../backends/mongo.ts";
import { UnavailableError } from "../errors.ts";
import type { Lease, WorkerDefinition } from "../workers/index.ts";
import type { MatchCheckpointStore } from "./checkpoint-store.ts";
import { partitionGroup } from "./partition.ts";
import type { MatchSummarizer } from "./summarizer.ts";
import type { MatchSummaryStore } from "./summary-store.ts";

export const MATCH_SUMMARY_GROUP = "match-summaries";

/** One partition of match summarization: the summarizer that folds its matches, under its lease. */
export interface MatchPartition {
  /** Owns exactly the matches `partitionOf(match, count) === index` (see module.ts). */
  summarizer: MatchSummarizer;
  /** One active holder across instances (a Redis partition lease; always held when embedded). */
  lease: Lease;
}

export interface MatchSummaryWorkerDeps {
  /** By partition index; their count is the partition count. */
  partitions: readonly MatchPartition[];
  summaries: MatchSummaryStore;
  checkpoints: MatchCheckpointStore;
  onRetry?: () => void;
}

/**
 * The built-in match summary workers: for each partition, the group
 * `match-summaries` (`match-summaries-p<i>of<n>` with n > 1 partitions)
 * over `events:rtapi` (frames, and the explicit end `matches.end` journals
 * there, in order with them) and `events:player_actions` (joins, leaves and
 * other actions). Exactly once per match, as with one partition:
 * 1. A partition's groups are consumed only under its lease, under one
 *    fixed consumer name, so its matches' entries are folded by one
 *    summarizer in order, and whoever holds the lease next resumes the
 *    pending entries of the previous holder first.
 * 2. Each partition's group reads every entry; its summarizer folds the
 *    entries of its own matches and acknowledges the others without effect
 *    (another partition's group delivers them there). Fold state and
 *    checkpoints are per match, and a match is in exactly one partition, so
 *    partitions never share state.
 * 3. A MongoDB outage holds the entry and retries it (never dead-lettered).
 */
export function matchSummaryWorkers({ partitions, summaries, checkpoints, onRetry }: MatchSummaryWorkerDeps): WorkerDefinition[] {
  if (partitions.length === 0) throw new Error("match summary workers: no partitions");
  // Every partition's workers wait on the same store set-up, done once (again after a failure).
  let ready: Promise<void> | undefined;
  const init = () =>
    (ready ??= (async () => {
      await summaries.init();
      await checkpoints.init();
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));
  return partitions.flatMap(({ summarizer, lease }, index) => {
    const group = partitionGroup(MATCH_SUMMARY_GROUP, index, partitions.length);
    const common = {
      group,
      consumerName: "match-summarizer",
      lease,
      isTransient: (error: unknown) => error instanceof UnavailableError || isMongoUnavailable(error),
      init,
      onStart: async () => void (await summarizer.restore()),
      onStop: () => summarizer.forget(),
      ...(onRetry ? { onRetry } : {}),
    };
    return [RTAPI_STREAM, PLAYER_ACTIONS_STREAM].map(
      (stream): WorkerDefinition => ({
        ...common,
        name: `${group}(${stream})`,
        stream,
        handle: { batch: (entries) => summarizer.handleBatch(stream, entries) },
      }),
    );
  });
}
