import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { TooLargeError } from "../errors.ts";
import { need } from "../http/access.ts";
import { jsonBody } from "../http/validate.ts";
import { feedSse } from "../platform/live-feed/index.ts";
import { LOBBY_ACCESS, type LobbyOperation } from "./access.ts";
import type { LobbyApi } from "./api.ts";

export interface LobbyRoutesDeps {
  lobby: LobbyApi;
  /** Largest accepted body (JSON bytes); 413 above. */
  maxBodyBytes: number;
}

/** The route's requirement from the lobby's one access table: 401/403 before the body is read. */
function allow(operation: LobbyOperation): MiddlewareHandler {
  const { scope, credential } = LOBBY_ACCESS[operation];
  return need(scope, { credential });
}

/**
 * The Lobby API over REST, under `/v1/lobby/`. Each route needs what
 * LOBBY_ACCESS says (a credential: `Authorization: Bearer <token or server
 * key>` or `?token=`); a refused one is a 401 or 403 saying why. Errors are
 * the server's JSON error answer (`{success: false, error, code, field?}`):
 * 400 naming the field, 401, 403, 404, 409, 413, 503.
 */
export function lobbyRoutes({ lobby, maxBodyBytes }: LobbyRoutesDeps): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new TooLargeError(`the request body is over ${maxBodyBytes} bytes`);
    },
  });

  app.post("/v1/lobby/games", allow("create_game"), limit, async (c) => c.json(await lobby.createGame(c.get("user"), await jsonBody(c)), 201));
  app.get("/v1/lobby/games", allow("read"), async (c) => c.json(await lobby.listGames(c.req.query())));
  app.get("/v1/lobby/games/:game_id", allow("read"), async (c) => c.json(await lobby.getGame(c.req.param("game_id"))));

  app.post("/v1/lobby/games/:game_id/members", allow("add_member"), limit, async (c) => {
    const body = await jsonBody(c);
    const userId = typeof body === "object" && body !== null ? (body as { user_id?: unknown }).user_id : undefined;
    return c.json(await lobby.addMember(c.get("user"), c.req.param("game_id"), userId));
  });
  app.delete("/v1/lobby/games/:game_id/members/:user_id", allow("remove_member"), async (c) =>
    c.json(await lobby.removeMember(c.get("user"), c.req.param("game_id"), c.req.param("user_id"))),
  );

  app.post("/v1/lobby/games/:game_id/transitions", allow("transition"), limit, async (c) =>
    c.json(await lobby.transition(c.get("user"), c.req.param("game_id"), await jsonBody(c))),
  );

  app.get("/v1/lobby/games/:game_id/stats", allow("read"), async (c) => c.json(await lobby.stats(c.req.param("game_id"))));
  app.get("/v1/lobby/games/:game_id/capabilities", allow("read"), async (c) => c.json(await lobby.capabilities(c.req.param("game_id"))));

  /**
   * The game's record changes as Server-Sent Events: with `Last-Event-ID`
   * (an EventSource sends it when it reconnects) or `?lastEventId=`, every
   * later change still kept first, then live ones.
   */
  app.get("/v1/lobby/games/:game_id/live", allow("read"), async (c) => {
    const lastEventId = c.req.header("Last-Event-ID")?.trim() || c.req.query("lastEventId") || null;
    const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
    return feedSse(
      ({ signal, disconnect }) => lobby.gameUpdates({ gameId: c.req.param("game_id"), lastEventId, signal, disconnect, transport: "sse" }),
      { signal: c.req.raw.signal, onCut: () => server?.timeout?.(c.req.raw, 1) },
    );
  });

  /** Embedded: one Game Master entry, its flat string fields as the JSON body; `Idempotency-Key` makes a retry safe. 202 `{stream, id, duplicate}`. */
  app.post("/v1/lobby/gm-events", allow("append_gm_event"), limit, async (c) => {
    const key = c.req.header("Idempotency-Key") ?? undefined;
    return c.json(await lobby.appendGmEvent(c.get("user"), await jsonBody(c), { key }), 202);
  });

  return app;
}
