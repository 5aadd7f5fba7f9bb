import { RTAPI_STREAM, type AbandonCountList, type MatchSummary, type MatchSummaryPage, type PlayerMatchPage, type RebuildJob } from "@gamejournal/shared";
import { NotFoundError } from "../errors.ts";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { Clock } from "../platform/clock.ts";
import type { RebuildJobs } from "./rebuild-jobs.ts";
import type { AbandonCountOptions, MatchSummaryListOptions, MatchSummaryStore } from "./summary-store.ts";

/** What the edges (tRPC, REST, GraphQL) use of match summaries. */
export interface MatchesApi {
  /** The match's summary; NotFoundError (404) for an unknown match. */
  get(matchId: string): Promise<MatchSummary>;
  /** Newest first, filtered by player, time, map and match type (see `MatchSummaryStore.list`). */
  list(options: MatchSummaryListOptions): Promise<MatchSummaryPage>;
  /** A player's matches, newest first, each as their own line (team, goals, saves, result, abandoned?). */
  playerMatches(playerId: string, options: Omit<MatchSummaryListOptions, "playerId">): Promise<PlayerMatchPage>;
  /** Abandons per player over a period, most first. */
  abandonCounts(options: AbandonCountOptions): Promise<AbandonCountList>;
  /**
   * Ends a match now: journals a `match_ended` event to `events:rtapi`, the
   * stream its frames are on, so the summary worker folds it after every
   * frame journaled before it (on `events:player_actions` it could overtake
   * frames still waiting to be folded). The event is keyed by match, so the
   * summary is written once however often this is called.
   */
  end(matchId: string, by: string, opts?: { principal?: string }): Promise<{ match_id: string; id: string | null; spooled?: true }>;
  /**
   * Starts rebuilding summaries or session events from the journal in the
   * background (rebuild-matches.ts says how it stays safe beside the live
   * worker); `request` is checked against RebuildRequestSchema. CONFLICT
   * (409) while a rebuild of the same target runs in this process.
   */
  startRebuild(request: unknown, by: string): RebuildJob;
  /** A rebuild's progress, and its final counts once done; NotFoundError for an unknown id. */
  rebuildJob(id: string): RebuildJob;
}

export interface MatchesApiDeps {
  summaries: MatchSummaryStore;
  journal: JournalingApi;
  clock: Clock;
  rebuilds: RebuildJobs;
}

export function matchesApi({ summaries, journal, clock, rebuilds }: MatchesApiDeps): MatchesApi {
  return {
    async get(matchId) {
      const summary = await summaries.get(matchId);
      if (!summary) throw new NotFoundError(`no summary for match ${matchId} (unknown, or not ended yet)`);
      return summary;
    },
    list: (options) => summaries.list(options),
    playerMatches: (playerId, options) => summaries.playerMatches(playerId, options),
    abandonCounts: (options) => summaries.abandonCounts(options),
    async end(matchId, by, { principal } = {}) {
      const answer = await journal.append([
        {
          stream: RTAPI_STREAM,
          event: { type: "match_ended", user_id: by, match_id: matchId, ts: clock.now(), data: { reason: "explicit", by }, key: `match-end:${matchId}` },
        },
      ], { principal });
      return { match_id: matchId, id: answer.ids[0] ?? null, ...(answer.spooled ? { spooled: true as const } : {}) };
    },
    startRebuild: (request, by) => rebuilds.start(request, by),
    rebuildJob: (id) => rebuilds.get(id),
  };
}
