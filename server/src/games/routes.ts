import type { GameRejection } from "@gamejournal/shared";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { need } from "../http/access.ts";
import { errorResponse } from "../http/respond.ts";
import { UnauthenticatedError } from "../errors.ts";
import { jsonBody, parseWith } from "../http/validate.ts";
import type { Logger } from "../log.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import { GameNotFoundError, statusOf } from "./rejections.ts";
import type { GameService } from "./service.ts";

const EventsQuerySchema = z.object({
  after: z.coerce.number({ error: "after must be a number" }).int("after must be a whole number").min(0, "after must be 0 or more").optional(),
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be a whole number").min(1, "limit must be 1 or more").max(1_000, "limit must be at most 1000").optional(),
});

/**
 * The game rooms' REST API (seed 003), under `/api/games`. A refusal is
 * `{"success": false, "error", "code", "field"?}` with the status the code
 * calls for (GAME_REJECTION_STATUS); a bad or expired token is 401. The
 * token is `Authorization: Bearer <token>` or `?token=`. Reads are public
 * (a seat token shows that player's view, none the spectators'); creating
 * needs `ingest`, joining any credential, commands a seat token (`player`),
 * replay `admin` (see access.ts).
 */
export function gameRoutes({ games, logger }: { games: GameService; logger: Logger }): Hono {
  const app = new Hono();

  /** The caller, when the request carries a credential (a refused one is a 401); the anonymous caller of AUTH_MODE=open otherwise. */
  async function userOf(c: Context): Promise<AuthUser | null> {
    const identity = c.get("identity");
    if (identity.problem) throw new UnauthenticatedError(identity.problem);
    return identity.user;
  }

  function answer<T extends { success: boolean }>(c: Context, reply: T, okStatus: ContentfulStatusCode = 200): Response {
    return c.json(reply, reply.success ? okStatus : statusOf(reply as unknown as GameRejection));
  }

  app.post("/api/games", need("ingest"), async (c) => answer(c, await games.create(await jsonBody(c)), 201));

  app.get("/api/games", async (c) => c.json(await games.list(c.req.query())));

  app.post("/api/games/:gameId/join", need("any"), async (c) => answer(c, await games.join(c.req.param("gameId"), await jsonBody(c))));

  app.post("/api/games/:gameId/leave", need("player", { credential: true }), async (c) => answer(c, await games.leave(c.req.param("gameId"), await userOf(c))));

  app.post("/api/games/:gameId/commands", need("player", { credential: true }), async (c) => {
    const user = await userOf(c);
    return answer(c, await games.command(c.req.param("gameId"), user, await jsonBody(c)));
  });

  app.get("/api/games/:gameId", async (c) => c.json(await games.state(c.req.param("gameId"), await userOf(c))));

  app.get("/api/games/:gameId/events", async (c) => {
    const query = parseWith(EventsQuerySchema, c.req.query());
    return c.json(await games.events(c.req.param("gameId"), await userOf(c), query));
  });

  app.post("/api/games/:gameId/replay", need("admin", { credential: true }), async (c) => c.json(await games.replay(c.req.param("gameId"), await userOf(c))));

  app.onError((error, c) => {
    if (error instanceof GameNotFoundError) return c.json({ success: false, error: error.message, code: error.gameCode }, 404);
    return errorResponse(c, error, logger);
  });
  return app;
}
