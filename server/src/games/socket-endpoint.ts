import { GameIdSchema, type GameSocketMessage } from "@gamejournal/shared";
import type { Access } from "../auth/access.ts";
import { UnauthenticatedError } from "../errors.ts";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../log.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import { pipeToSocket, SocketPipe } from "../platform/live-feed/index.ts";
import type { EndpointSocket, SocketEndpoint } from "../platform/module.ts";
import type { GameFeedStep } from "./feed.ts";
import { GameNotFoundError } from "./rejections.ts";
import type { GameService } from "./service.ts";

/** Where the endpoint is served (seed 003's game socket). */
export const GAME_SOCKET_PATH = "/ws";

export interface GameSocketState {
  readonly gameId: string;
  readonly user: AuthUser | null;
  readonly viewer: number | null;
  readonly lastEventId: number | null;
  pipe: SocketPipe | null;
  readonly abort: AbortController;
  /** The processing of the last message received; each waits for the one before, so answers keep their order. */
  tail: Promise<void>;
}

type Socket = EndpointSocket<GameSocketState>;

/**
 * `WS /ws?gameId=<id>&lastEventId=<n>`: a game for clients that do not speak
 * tRPC. JSON text both ways.
 *
 * 1. The upgrade is checked first (`accept`): `gameId` must name a game
 *    (404), `lastEventId` must be a whole number no greater than the
 *    game's last event id (400), a token
 *    (`Authorization: Bearer` or `?token=`) must be valid when given (401).
 *    With a seat token for this game the socket gets that player's view,
 *    without one the public view, and may send no commands.
 * 2. Server → client, in order: without `lastEventId`, `{"type": "state",
 *    "lastEventId": <version>, "state": {...}}`; with it, `{"type":
 *    "replay_start", "after"}`, the missed events, `{"type":
 *    "replay_complete", "lastEventId"}`. Then each event as `{"type":
 *    "event", "event": {eventId, type, playerId, timestamp, data}}` as it
 *    is appended (on any instance), no gap, no duplicate, under
 *    backpressure (a client that stops reading is dropped, not buffered).
 * 3. Client → server: a command, as the body of `POST .../commands`
 *    (`{"commandId", "type": "playCard", ...}`), answered with
 *    `{"type": "command_result", "commandId", "success", ...}` (the
 *    events, or `error` and `code`), in the order received; `{"type":
 *    "ping"}` is answered `{"type": "pong"}`; a message that is not JSON is
 *    answered `{"type": "error", "code": "INVALID_COMMAND"}`. The socket
 *    stays open after a refusal.
 * 4. A server-side failure (the store unreachable) is not answered: the
 *    socket closes with 1011, and the client sends the command again with
 *    the same commandId on a new connection (commands are idempotent).
 */
export function createGameSocketEndpoint({ games, access, logger }: { games: GameService; access: Access; logger: Logger }): SocketEndpoint<GameSocketState> {
  if (!games) throw new Error("game socket endpoint: no game service");
  if (!access) throw new Error("game socket endpoint: no access");

  const send = (ws: Socket, message: GameSocketMessage) => ws.data.state.pipe?.send(JSON.stringify(message));

  async function answer(ws: Socket, raw: string | Buffer): Promise<GameSocketMessage | null> {
    const { gameId, user } = ws.data.state;
    let body: unknown;
    try {
      body = JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8"));
    } catch {
      return { type: "error", error: "a message must be JSON: a command {commandId, type, ...} or {\"type\": \"ping\"}", code: "INVALID_COMMAND" };
    }
    if ((body as { type?: unknown } | null)?.type === "ping") return { type: "pong" };
    const commandId = (body as { commandId?: unknown } | null)?.commandId;
    const id = typeof commandId === "string" ? commandId : null;
    if (!user) return { type: "command_result", commandId: id, success: false, error: "connect with a player token (from join) to send commands", code: "NOT_A_PLAYER" };
    const reply = await games.command(gameId, user, body);
    return { type: "command_result", commandId: id, ...reply };
  }

  return {
    name: "games",
    paths: [GAME_SOCKET_PATH],

    async accept(req: Request): Promise<GameSocketState | Response> {
      try {
        const url = new URL(req.url);
        const gameId = url.searchParams.get("gameId") ?? "";
        if (!GameIdSchema.safeParse(gameId).success) return refuse(400, "gameId is required: /ws?gameId=<id>", "INVALID_COMMAND");
        const after = url.searchParams.get("lastEventId");
        if (after !== null && after !== "" && !/^\d{1,15}$/.test(after)) return refuse(400, "lastEventId must be a whole number from 0", "INVALID_COMMAND");
        const identity = await access.identify(req);
        if (identity.problem) throw new UnauthenticatedError(identity.problem);
        const user = identity.user;
        const viewer = await games.viewerOf(gameId, user);
        if (after !== null && after !== "" && Number(after) > (await games.rooms.current(gameId)).state.version) {
          return refuse(400, `lastEventId ${after} is beyond the game's last event`, "INVALID_COMMAND");
        }
        return { gameId, user, viewer, lastEventId: after === null || after === "" ? null : Number(after), pipe: null, abort: new AbortController(), tail: Promise.resolve() };
      } catch (error) {
        if (error instanceof GameNotFoundError) return refuse(404, error.message, error.gameCode);
        const described = describeError(error);
        if (described.status >= 500) logger.error({ err: error }, "game socket upgrade failed");
        return refuse(described.status, described.message, described.code);
      }
    },

    open(ws: Socket): void {
      const state = ws.data.state;
      const pipe = new SocketPipe(ws as never);
      state.pipe = pipe;
      const feed = games.feed({
        gameId: state.gameId,
        viewer: state.viewer,
        lastEventId: state.lastEventId,
        signal: state.abort.signal,
        transport: "socket",
        disconnect: (reason) => ws.close(4008, reason.slice(0, 120)),
      });
      void pipeToSocket(messages(state, feed), pipe, (m) => JSON.stringify(m), state.abort.signal).catch((error: unknown) => {
        const described = describeError(error);
        if (described.status >= 500) logger.error({ err: error, gameId: state.gameId }, "game socket feed failed");
        if (!pipe.closed) ws.close(described.status >= 500 ? 1011 : 4000 + Math.min(999, described.status), described.message.slice(0, 120));
      });
    },

    message(ws: Socket, raw: string | Buffer): void {
      const state = ws.data.state;
      const replying = answer(ws, raw);
      replying.catch(() => {}); // handled in order below
      state.tail = state.tail.then(async () => {
        try {
          const reply = await replying;
          if (reply) send(ws, reply);
        } catch (error) {
          logger.error({ err: error, gameId: state.gameId }, "game socket command failed; closing so the client sends it again");
          if (!state.pipe?.closed) ws.close(1011, "internal error; send unanswered commands again");
        }
      });
    },

    drain(ws: Socket): void {
      ws.data.state.pipe?.drain();
    },

    close(ws: Socket): void {
      ws.data.state.pipe?.close();
      ws.data.state.abort.abort();
    },
  };
}

/** The feed as protocol messages (point 2 of the endpoint's comment). */
async function* messages(state: GameSocketState, feed: AsyncGenerator<GameFeedStep>): AsyncGenerator<GameSocketMessage> {
  const { gameId, lastEventId } = state;
  if (lastEventId !== null) yield { type: "replay_start", gameId, after: lastEventId };
  for await (const step of feed) {
    if (step.kind === "state") yield { type: "state", gameId, lastEventId: step.version, state: step.state };
    else if (step.kind === "event") yield { type: "event", gameId, event: step.event };
    else if (lastEventId !== null) yield { type: "replay_complete", gameId, lastEventId: step.lastEventId };
  }
}

function refuse(status: number, error: string, code: string): Response {
  return Response.json({ success: false, error, code }, { status });
}
