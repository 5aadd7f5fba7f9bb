import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestToken, type Auth } from "../auth/auth.ts";
import { TooLargeError } from "../errors.ts";
import { jsonBody } from "../http/validate.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import { feedSse } from "../platform/live-feed/index.ts";
import type { LobbyApi } from "./api.ts";

export interface LobbyRoutesDeps {
  lobby: LobbyApi;
  auth: Auth;
  /** Largest accepted body (JSON bytes); 413 above. */
  maxBodyBytes: number;
}

/**
 * The Lobby API over REST, under `/v1/lobby/`. Writes need a token
 * (`Authorization: Bearer <jwt>` or `?token=`); an invalid one is a 401
 * saying why. Errors are the server's JSON error answer (`{success: false,
 * error, code, field?}`): 400 naming the field, 401, 404, 409, 413, 503.
 */
export function lobbyRoutes({ lobby, auth, maxBodyBytes }: LobbyRoutesDeps): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new TooLargeError(`the request body is over ${maxBodyBytes} bytes`);
    },
  });

  /** The verified caller, or null without a token (the API refuses a write then). */
  async function callerOf(c: Context): Promise<AuthUser | null> {
    const token = requestToken(c.req.raw);
    return token ? auth.verify(token) : null;
  }

  app.post("/v1/lobby/games", limit, async (c) => c.json(await lobby.createGame(await callerOf(c), await jsonBody(c)), 201));
  app.get("/v1/lobby/games", async (c) => c.json(await lobby.listGames(c.req.query())));
  app.get("/v1/lobby/games/:game_id", async (c) => c.json(await lobby.getGame(c.req.param("game_id"))));

  app.post("/v1/lobby/games/:game_id/members", limit, async (c) => {
    const caller = await callerOf(c);
    const body = await jsonBody(c);
    const userId = typeof body === "object" && body !== null ? (body as { user_id?: unknown }).user_id : undefined;
    return c.json(await lobby.addMember(caller, c.req.param("game_id"), userId));
  });
  app.delete("/v1/lobby/games/:game_id/members/:user_id", async (c) =>
    c.json(await lobby.removeMember(await callerOf(c), c.req.param("game_id"), c.req.param("user_id"))),
  );

  app.post("/v1/lobby/games/:game_id/transitions", limit, async (c) =>
    c.json(await lobby.transition(await callerOf(c), c.req.param("game_id"), await jsonBody(c))),
  );

  app.get("/v1/lobby/games/:game_id/stats", async (c) => c.json(await lobby.stats(c.req.param("game_id"))));
  app.get("/v1/lobby/games/:game_id/capabilities", async (c) => c.json(await lobby.capabilities(c.req.param("game_id"))));

  /**
   * The game's record changes as Server-Sent Events: with `Last-Event-ID`
   * (an EventSource sends it when it reconnects) or `?lastEventId=`, every
   * later change still kept first, then live ones.
   */
  app.get("/v1/lobby/games/:game_id/live", async (c) => {
    const lastEventId = c.req.header("Last-Event-ID")?.trim() || c.req.query("lastEventId") || null;
    const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
    return feedSse(
      ({ signal, disconnect }) => lobby.gameUpdates({ gameId: c.req.param("game_id"), lastEventId, signal, disconnect, transport: "sse" }),
      { signal: c.req.raw.signal, onCut: () => server?.timeout?.(c.req.raw, 1) },
    );
  });

  /** Embedded: one Game Master entry, its flat string fields as the JSON body; `Idempotency-Key` makes a retry safe. 202 `{stream, id, duplicate}`. */
  app.post("/v1/lobby/gm-events", limit, async (c) => {
    const caller = await callerOf(c);
    const key = c.req.header("Idempotency-Key") ?? undefined;
    return c.json(await lobby.appendGmEvent(caller, await jsonBody(c), { key }), 202);
  });

  return app;
}
