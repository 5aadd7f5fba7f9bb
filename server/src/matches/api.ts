import { RTAPI_STREAM, type MatchSummary, type MatchSummaryPage } from "@gamejournal/shared";
import { NotFoundError } from "../errors.ts";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { Clock } from "../platform/clock.ts";
import type { MatchSummaryListOptions, MatchSummaryStore } from "./summary-store.ts";

/** What the edges (tRPC, REST, GraphQL) use of match summaries. */
export interface MatchesApi {
  /** The match's summary; NotFoundError (404) for an unknown match. */
  get(matchId: string): Promise<MatchSummary>;
  list(options: MatchSummaryListOptions): Promise<MatchSummaryPage>;
  /**
   * Ends a match now: journals a `match_ended` event to `events:rtapi`, the
   * stream its frames are on, so the summary worker folds it after every
   * frame journaled before it (on `events:player_actions` it could overtake
   * frames still waiting to be folded). The event is keyed by match, so the
   * summary is written once however often this is called.
   */
  end(matchId: string, by: string, opts?: { principal?: string }): Promise<{ match_id: string; id: string | null; spooled?: true }>;
}

export function matchesApi(summaries: MatchSummaryStore, journal: JournalingApi, clock: Clock): MatchesApi {
  return {
    async get(matchId) {
      const summary = await summaries.get(matchId);
      if (!summary) throw new NotFoundError(`no summary for match ${matchId} (unknown, or not ended yet)`);
      return summary;
    },
    list: (options) => summaries.list(options),
    async end(matchId, by, { principal } = {}) {
      const answer = await journal.append([
        {
          stream: RTAPI_STREAM,
          event: { type: "match_ended", user_id: by, match_id: matchId, ts: clock.now(), data: { reason: "explicit", by }, key: `match-end:${matchId}` },
        },
      ], { principal });
      return { match_id: matchId, id: answer.ids[0] ?? null, ...(answer.spooled ? { spooled: true as const } : {}) };
    },
  };
}
