import { MatchListFields, MatchListPlayerSchema } from "@gamejournal/shared";
import { z } from "zod";
import { principalOf } from "../platform/auth-user.ts";
import { readProcedure, router, scopedProcedure } from "../platform/rpc.ts";
import type { MatchesApi } from "./api.ts";

const matchId = z.string().min(1, "matchId must not be empty").max(300);

/** Match summaries over tRPC (seed 000's MongoDB Match Summarization). */
export const matchesRouter = (matches: MatchesApi) =>
  router({
    get: readProcedure.input(z.object({ matchId })).query(({ input }) => matches.get(input.matchId)),

    /** Newest first; `playerId` filters to matches the player played in; `cursor` is the previous page's `next_cursor`. */
    list: readProcedure.input(z.object({ playerId: MatchListPlayerSchema.optional(), ...MatchListFields })).query(({ input }) => matches.list(input)),

    /** Ends a match now (the summary follows from the journal). Requires a token. */
    end: scopedProcedure("ingest", { credential: true }).input(z.object({ matchId })).mutation(({ ctx, input }) => matches.end(input.matchId, ctx.user.sub, { principal: principalOf(ctx.user) })),
  });

export type MatchesRouter = ReturnType<typeof matchesRouter>;
