import { MatchLabelFilterSchema, MatchListFields, MatchListPlayerSchema, RebuildRequestSchema } from "@gamejournal/shared";
import { z } from "zod";
import { principalOf } from "../platform/auth-user.ts";
import { readProcedure, router, scopedProcedure } from "../platform/rpc.ts";
import type { MatchesApi } from "./api.ts";

const matchId = z.string().min(1, "matchId must not be empty").max(300);
const { limit: _limit, cursor: _cursor, ...period } = MatchListFields;

/** Match summaries over tRPC (seed 000's MongoDB Match Summarization). */
export const matchesRouter = (matches: MatchesApi) => {
  /** The admin calls always take a real token, even in AUTH_MODE=open. */
  const adminProcedure = scopedProcedure("admin", { credential: true });
  return router({
    get: readProcedure.input(z.object({ matchId })).query(({ input }) => matches.get(input.matchId)),

    /** Newest first; `playerId` filters to matches the player played in, `map` / `matchType` to a label; `cursor` is the previous page's `next_cursor`. */
    list: readProcedure
      .input(z.object({ playerId: MatchListPlayerSchema.optional(), map: MatchLabelFilterSchema.optional(), matchType: MatchLabelFilterSchema.optional(), ...MatchListFields }))
      .query(({ input }) => matches.list(input)),

    /** A player's recent matches, each with their own line: team, goals, saves, points, result, abandoned. */
    playerMatches: readProcedure
      .input(z.object({ playerId: MatchListPlayerSchema, ...MatchListFields }))
      .query(({ input: { playerId, ...options } }) => matches.playerMatches(playerId, options)),

    /** Abandons per player over matches created in [from, to), most first; `playerId` for one player. */
    abandonCounts: readProcedure
      .input(z.object({ playerId: MatchListPlayerSchema.optional(), ...period, limit: MatchListFields.limit }))
      .query(({ input }) => matches.abandonCounts(input)),

    /** Ends a match now (the summary follows from the journal). Requires a token with the `ingest` scope. */
    end: scopedProcedure("ingest", { credential: true }).input(z.object({ matchId })).mutation(({ ctx, input }) => matches.end(input.matchId, ctx.user.sub, { principal: principalOf(ctx.user) })),

    /** Starts rebuilding `matches` or `session-events` from the journal, in the background; answers the job. Requires a token with the `admin` scope. */
    rebuild: adminProcedure.input(RebuildRequestSchema).mutation(({ ctx, input }) => matches.startRebuild(input, ctx.user.sub)),

    /** A rebuild job's progress and, once done, its counts. Requires a token with the `admin` scope. */
    rebuildJob: adminProcedure.input(z.object({ jobId: z.string().min(1).max(100) })).query(({ input }) => matches.rebuildJob(input.jobId)),
  });
};

export type MatchesRouter = ReturnType<typeof matchesRouter>;
