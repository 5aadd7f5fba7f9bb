import type { MatchSummary } from "@gamejournal/shared";
import type { TelemetryApi } from "../telemetry/telemetry.ts";
import type { MatchesApi } from "./api.ts";
import type { MatchSummaryStore } from "./summary-store.ts";

/** The seed's `ctx` argument: cancellation for the call. */
export interface CallContext {
  signal?: AbortSignal;
}

/** What a game server knows of a match when it terminates (seed 000's `MatchTerminate`). */
export interface MatchState {
  matchId: string;
  /** Who ends it (a user or the server), recorded in the journal. */
  endedBy?: string;
}

/**
 * Seed 000's integration points for a game server that embeds gamejournal:
 * telemetry from the match loop, and the match's end. Both go through the
 * journal, so the summary worker builds the summary from the same events
 * whether they came from here, REST or the agent.
 */
export class TelemetryIntegration {
  constructor(
    private readonly telemetry: TelemetryApi,
    private readonly matches: MatchesApi,
    readonly matchSummaryStore: MatchSummaryStore,
  ) {}

  /** `HandleSNSTelemetryEvent`: journals the telemetry and delivers it to the lobby's subscribers. */
  async handleTelemetryEvent(ctx: CallContext, sessionId: string, userId: string, lobbyId: string, data: unknown) {
    ctx.signal?.throwIfAborted();
    return this.telemetry.broadcast(lobbyId, data, { sessionId, userId });
  }

  /** `HandleMatchEnd`: ends the match; the worker stores its summary. */
  async handleMatchEnd(ctx: CallContext, matchState: MatchState) {
    ctx.signal?.throwIfAborted();
    return this.matches.end(matchState.matchId, matchState.endedBy ?? "game-server");
  }

  /** `matchSummaryStore.Get`. */
  getSummary(matchId: string): Promise<MatchSummary | null> {
    return this.matchSummaryStore.get(matchId);
  }
}
