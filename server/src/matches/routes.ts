import { MatchLabelFilterSchema, MatchListFields, MatchListPlayerSchema } from "@gamejournal/shared";
import { Hono } from "hono";
import { z } from "zod";
import { need } from "../http/access.ts";
import { jsonBody, parseWith } from "../http/validate.ts";
import type { MatchesApi } from "./api.ts";

const labels = { map: MatchLabelFilterSchema.optional(), match_type: MatchLabelFilterSchema.optional() };
const ListQuerySchema = z.object({ player: MatchListPlayerSchema.optional(), ...labels, ...MatchListFields });
const PlayerQuerySchema = z.object({ ...labels, ...MatchListFields });
const { limit, from, to } = MatchListFields;
const AbandonQuerySchema = z.object({ player: MatchListPlayerSchema.optional(), from, to, limit });

/** The list options a query string names (absent fields left out). */
function listOptions(q: { map?: string | undefined; match_type?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | null | undefined }) {
  return {
    ...(q.map ? { map: q.map } : {}),
    ...(q.match_type ? { matchType: q.match_type } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    limit: q.limit,
    ...(q.cursor ? { cursor: q.cursor } : {}),
  };
}

/**
 * REST edge of match summaries:
 * - `GET /v1/matches/{match_id}`; `GET /v1/matches?player=&map=&match_type=&from=&to=&limit=&cursor=`;
 * - `GET /v1/players/{player_id}/matches?…`: the player's lines;
 * - `GET /v1/abandons?from=&to=&player=&limit=`: abandon counts;
 * - `POST /v1/admin/rebuild` (`{"target", "from"?, "since"?, "match_id"?}`, 202 with the job) and
 *   `GET /v1/admin/rebuild/{job_id}`: both need a token (401 without; 403
 *   without the `admin` scope in AUTH_MODE=token). The reads need `read`.
 * Bad input is a 400 naming the field.
 */
export function matchRoutes(matches: MatchesApi): Hono {
  const app = new Hono();
  // The admin routes always take a real token, even in AUTH_MODE=open; with AUTH_MODE=token it needs the `admin` scope.
  const admin = need("admin", { credential: true });

  app.get("/v1/matches/:match_id", need("read"), async (c) => c.json(await matches.get(c.req.param("match_id"))));
  app.get("/v1/matches", need("read"), async (c) => {
    const q = parseWith(ListQuerySchema, c.req.query());
    return c.json(await matches.list({ ...(q.player ? { playerId: q.player } : {}), ...listOptions(q) }));
  });
  app.get("/v1/players/:player_id/matches", need("read"), async (c) => {
    const player = parseWith(MatchListPlayerSchema, c.req.param("player_id"));
    return c.json(await matches.playerMatches(player, listOptions(parseWith(PlayerQuerySchema, c.req.query()))));
  });
  app.get("/v1/abandons", need("read"), async (c) => {
    const q = parseWith(AbandonQuerySchema, c.req.query());
    return c.json(await matches.abandonCounts({ ...(q.player ? { playerId: q.player } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), limit: q.limit }));
  });
  app.post("/v1/admin/rebuild", admin, async (c) => c.json(matches.startRebuild(await jsonBody(c), c.get("user").sub), 202));
  app.get("/v1/admin/rebuild/:job_id", admin, async (c) => c.json(matches.rebuildJob(c.req.param("job_id"))));
  return app;
}
