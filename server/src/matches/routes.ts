import { MatchListFields, MatchListPlayerSchema } from "@gamejournal/shared";
import { Hono } from "hono";
import { z } from "zod";
import { need } from "../http/access.ts";
import { parseWith } from "../http/validate.ts";
import type { MatchesApi } from "./api.ts";

const ListQuerySchema = z.object({ player: MatchListPlayerSchema.optional(), ...MatchListFields });

/** REST reads of match summaries: `GET /v1/matches/{match_id}` and `GET /v1/matches?player=&from=&to=&limit=&cursor=`. */
export function matchRoutes(matches: MatchesApi): Hono {
  const app = new Hono();
  app.get("/v1/matches/:match_id", need("read"), async (c) => c.json(await matches.get(c.req.param("match_id"))));
  app.get("/v1/matches", need("read"), async (c) => {
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
