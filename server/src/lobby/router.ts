import { CreateGameBodySchema, GameListQuerySchema, TransitionBodySchema } from "@gamejournal/shared";
import { z } from "zod";
import { router, scopedProcedure, subscriberOf } from "../platform/rpc.ts";
import { LOBBY_ACCESS, type LobbyOperation } from "./access.ts";
import type { LobbyApi } from "./api.ts";

const gameId = z.string().min(1, "gameId must not be empty").max(200);
const userId = z.string().min(1, "userId must not be empty").max(200);

/** A procedure that needs what the lobby's one access table says of `operation`. */
function allowed(operation: LobbyOperation) {
  const { scope, credential } = LOBBY_ACCESS[operation];
  return scopedProcedure(scope, { credential });
}

/** The Lobby API over tRPC (`lobby.*`); each procedure needs what LOBBY_ACCESS says (UNAUTHORIZED / FORBIDDEN otherwise). */
export const lobbyRouter = (lobby: LobbyApi) =>
  router({
    /** A new game in `draft` (`game_id` default `game-<ULID>`). */
    create: allowed("create_game").input(CreateGameBodySchema).mutation(({ ctx, input }) => lobby.createGame(ctx.user, input)),

    get: allowed("read").input(z.object({ gameId })).query(({ input }) => lobby.getGame(input.gameId)),

    /** Games in creation order, optionally in one status; `after` is the previous page's `next_after`. */
    list: allowed("read").input(GameListQuerySchema.optional()).query(({ input }) => lobby.listGames(input ?? {})),

    addMember: allowed("add_member").input(z.object({ gameId, userId })).mutation(({ ctx, input }) => lobby.addMember(ctx.user, input.gameId, input.userId)),

    removeMember: allowed("remove_member").input(z.object({ gameId, userId })).mutation(({ ctx, input }) => lobby.removeMember(ctx.user, input.gameId, input.userId)),

    /** `{gameId, from, to, trigger?}`: a compare-and-set; CONFLICT when the game is no longer in `from` or the table has no such arrow. */
    transition: allowed("transition")
      .input(TransitionBodySchema.extend({ gameId }))
      .mutation(({ ctx, input: { gameId: id, ...body } }) => lobby.transition(ctx.user, id, body)),

    stats: allowed("read").input(z.object({ gameId })).query(({ input }) => lobby.stats(input.gameId)),

    /** NOT_FOUND until the game finished and was evaluated. */
    capabilities: allowed("read").input(z.object({ gameId })).query(({ input }) => lobby.capabilities(input.gameId)),

    /**
     * The game's record changes live, each with its id (`type` the change,
     * `data.record` the record after it); with `lastEventId` (sent by the
     * client by itself after a reconnect) every later change still kept
     * first, without gaps or duplicates.
     */
    gameUpdates: allowed("read")
      .input(z.object({ gameId, lastEventId: z.string().nullish() }))
      .subscription(({ ctx, input, signal }) =>
        lobby.gameUpdates({
          gameId: input.gameId,
          lastEventId: input.lastEventId ?? null,
          ...subscriberOf(ctx, signal),
        }),
      ),

    /** Embedded only: one Game Master entry (`fields`: its flat string fields); `key` makes a retry safe. */
    appendGmEvent: allowed("append_gm_event")
      .input(z.object({ fields: z.record(z.string(), z.unknown()), key: z.string().min(1).max(256).optional() }))
      .mutation(({ ctx, input }) => lobby.appendGmEvent(ctx.user, input.fields, { key: input.key })),
  });

export type LobbyRouter = ReturnType<typeof lobbyRouter>;
