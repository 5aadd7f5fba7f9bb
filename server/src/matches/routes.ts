import { MatchListFields, MatchListPlayerSchema, MatchSummarySchema } from "@gamejournal/shared";
import { Hono } from "hono";
import { z } from "zod";
import { need } from "../http/access.ts";
import { parseWith } from "../http/validate.ts";
import { describeRoute } from "../http/openapi/index.ts";
import type { MatchesApi } from "./api.ts";

const tags = ["matches"];
const MatchPathSchema = z.object({ match_id: z.string().min(1).describe("<session uuid>.<node>") });

const ListQuerySchema = z.object({ player: MatchListPlayerSchema.optional(), ...MatchListFields });

/** REST reads of match summaries: `GET /v1/matches/{match_id}` and `GET /v1/matches?player=&from=&to=&limit=&cursor=`. */
export function matchRoutes(matches: MatchesApi): Hono {
  const app = new Hono();
  app.get(
    "/v1/matches/:match_id",
    describeRoute({ summary: "a match's summary", tags, params: MatchPathSchema, responses: { 200: { description: "the summary", schema: MatchSummarySchema }, 404: { description: "unknown, or not ended yet" } } }),
    need("read"), async (c) => c.json(await matches.get(c.req.param("match_id"))));
  app.get(
    "/v1/matches",
    describeRoute({ summary: "match summaries, newest first", tags, query: ListQuerySchema, responses: { 200: { description: "`{items: [summary], next_cursor}`" } } }),
    need("read"), async (c) => {
    const q = parseWith(ListQuerySchema, c.req.query());
    return c.json(
      await matches.list({
        ...(q.player ? { playerId: q.player } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      }),
    );
  });
  return app;
}
