import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../platform/rpc.ts";
import type { MatchesApi } from "./api.ts";

const matchId = z.string().min(1, "matchId must not be empty").max(300);
const time = z.iso.datetime({ offset: true, error: "must be an ISO 8601 time, e.g. 2024-05-01T12:00:00Z" });

/** Match summaries over tRPC (seed 000's MongoDB Match Summarization). */
export const matchesRouter = (matches: MatchesApi) =>
  router({
  get: publicProcedure.input(z.object({ matchId })).query(({ input }) => matches.get(input.matchId)),

  /** Newest first; `playerId` filters to matches the player played in; `cursor` is the previous page's `next_cursor`. */
  list: publicProcedure
    .input(
      z.object({
        playerId: z.string().min(1).max(300).optional(),
        from: time.optional(),
        to: time.optional(),
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().min(1).nullish(),
      }),
    )
    .query(({ input }) => matches.list(input)),

  /** Ends a match now (the summary follows from the journal). Requires a token. */
  end: authedProcedure.input(z.object({ matchId })).mutation(({ ctx, input }) => matches.end(input.matchId, ctx.user.sub)),
  });

export type MatchesRouter = ReturnType<typeof matchesRouter>;
