import { CreateRoomBodySchema, GameCommandSchema, GameIdSchema, JoinGameBodySchema, ListGamesQuerySchema, type GameRejection } from "@gamejournal/shared";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { need } from "../http/access.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { errorResponse } from "../http/respond.ts";
import { UnauthenticatedError } from "../errors.ts";
import { jsonBody, parseWith } from "../http/validate.ts";
import type { Logger } from "../log.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import { GameNotFoundError, statusOf } from "./rejections.ts";
import type { GameService } from "./service.ts";

const EventsQuerySchema = z.object({
  after: z.coerce.number({ error: "after must be a number" }).int("after must be a whole number").min(0, "after must be 0 or more").optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be 1 or more")
    .max(1_000, "limit must be at most 1000")
    .optional(),
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
  const tags = ["games"];
  const params = z.object({ gameId: GameIdSchema });
  const refusal = { description: "`{success: false, error, code, field?}`: the rules' refusal (see the README's codes)" };

  /** The caller, when the request carries a credential (a refused one is a 401); the anonymous caller of AUTH_MODE=open otherwise. */
  async function userOf(c: Context): Promise<AuthUser | null> {
    const identity = c.get("identity");
    if (identity.problem) throw new UnauthenticatedError(identity.problem);
    return identity.user;
  }

  function answer<T extends { success: boolean }>(c: Context, reply: T, okStatus: ContentfulStatusCode = 200): Response {
    return c.json(reply, reply.success ? okStatus : statusOf(reply as unknown as GameRejection));
  }

  app.post(
    "/api/games",
    describeRoute({
      summary: "create a game room (seats join, then it starts)",
      tags,
      body: { schema: CreateRoomBodySchema, example: { gameId: "table-7", numPlayers: 3 } },
      responses: { 201: { description: "`{success: true, gameId}`" }, 409: refusal, 400: refusal },
    }),
    need("ingest"),
    async (c) => answer(c, await games.create(await jsonBody(c)), 201),
  );

  app.get(
    "/api/games",
    describeRoute({ summary: "game rooms, newest first", tags, query: ListGamesQuerySchema, responses: { 200: { description: "`{games: [...]}`" } } }),
    async (c) => c.json(await games.list(c.req.query())),
  );

  app.post(
    "/api/games/:gameId/join",
    describeRoute({
      summary: "take the lowest free seat: the answer carries that seat's token",
      tags,
      params,
      body: { schema: JoinGameBodySchema, example: { name: "ann" } },
      responses: { 200: { description: "`{success: true, gameId, playerId, token}`" }, 409: refusal },
    }),
    need("any"),
    async (c) => answer(c, await games.join(c.req.param("gameId"), await jsonBody(c))),
  );

  app.post(
    "/api/games/:gameId/leave",
    describeRoute({
      summary: "leave the seat of this token",
      tags,
      params,
      responses: { 200: { description: "`{success: true, events, version}`" }, 409: refusal },
    }),
    need("player", { credential: true }),
    async (c) => answer(c, await games.leave(c.req.param("gameId"), await userOf(c))),
  );

  app.post(
    "/api/games/:gameId/commands",
    describeRoute({
      summary: "a command of this token's seat",
      tags,
      params,
      body: { schema: GameCommandSchema, example: { commandId: "c-1", type: "rest" } },
      responses: { 200: { description: "`{success: true, events, version, duplicate?}`" }, 409: refusal, 422: refusal },
    }),
    need("player", { credential: true }),
    async (c) => {
      const user = await userOf(c);
      return answer(c, await games.command(c.req.param("gameId"), user, await jsonBody(c)));
    },
  );

  app.get(
    "/api/games/:gameId",
    describeRoute({
      summary: "the game as the caller may see it (a seat token: that player's view; none: the spectators')",
      tags,
      params,
      responses: { 200: { description: "the state view" }, 404: refusal },
    }),
    async (c) => c.json(await games.state(c.req.param("gameId"), await userOf(c))),
  );

  app.get(
    "/api/games/:gameId/events",
    describeRoute({
      summary: "the game's events after `after`, as the caller may see them",
      tags,
      params,
      query: EventsQuerySchema,
      responses: { 200: { description: "`{gameId, events, lastEventId}`" }, 404: refusal },
    }),
    async (c) => {
      const query = parseWith(EventsQuerySchema, c.req.query());
      return c.json(await games.events(c.req.param("gameId"), await userOf(c), query));
    },
  );

  app.post(
    "/api/games/:gameId/replay",
    describeRoute({
      summary: "rebuild the game from its log and check it against its snapshot",
      tags,
      params,
      responses: { 200: { description: "`{gameId, version, events, digest, snapshot, ...}`" }, 404: refusal },
    }),
    need("admin", { credential: true }),
    async (c) => c.json(await games.replay(c.req.param("gameId"), await userOf(c))),
  );

  return app;
}
