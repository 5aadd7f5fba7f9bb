import { Hono } from "hono";
import { z } from "zod";
import { parseWith } from "../http/validate.ts";
import type { MatchesApi } from "./api.ts";

const ListQuerySchema = z.object({
  player: z.string().min(1).max(300).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});

/** REST reads of match summaries: `GET /v1/matches/{match_id}` and `GET /v1/matches?player=&from=&to=&limit=&cursor=`. */
export function matchRoutes(matches: MatchesApi): Hono {
  const app = new Hono();
  app.get("/v1/matches/:match_id", async (c) => c.json(await matches.get(c.req.param("match_id"))));
  app.get("/v1/matches", async (c) => {
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
