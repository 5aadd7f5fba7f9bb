import { CreateGameBodySchema, GameListQuerySchema, TransitionBodySchema } from "@gamejournal/shared";
import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../platform/rpc.ts";
import type { LobbyApi } from "./api.ts";

const gameId = z.string().min(1, "gameId must not be empty").max(200);
const userId = z.string().min(1, "userId must not be empty").max(200);

/**
 * The Lobby API over tRPC (`lobby.*`). Reads are open; writes need a token
 * (and go through the API's one authorisation check).
 */
export const lobbyRouter = (lobby: LobbyApi) =>
  router({
    /** A new game in `draft` (`game_id` default `game-<ULID>`). */
    create: authedProcedure.input(CreateGameBodySchema).mutation(({ ctx, input }) => lobby.createGame(ctx.user, input)),

    get: publicProcedure.input(z.object({ gameId })).query(({ input }) => lobby.getGame(input.gameId)),

    /** Games in creation order, optionally in one status; `after` is the previous page's `next_after`. */
    list: publicProcedure.input(GameListQuerySchema.optional()).query(({ input }) => lobby.listGames(input ?? {})),

    addMember: authedProcedure.input(z.object({ gameId, userId })).mutation(({ ctx, input }) => lobby.addMember(ctx.user, input.gameId, input.userId)),

    removeMember: authedProcedure.input(z.object({ gameId, userId })).mutation(({ ctx, input }) => lobby.removeMember(ctx.user, input.gameId, input.userId)),

    /** `{gameId, from, to, trigger?}`: a compare-and-set; CONFLICT when the game is no longer in `from` or the table has no such arrow. */
    transition: authedProcedure
      .input(TransitionBodySchema.extend({ gameId }))
      .mutation(({ ctx, input: { gameId: id, ...body } }) => lobby.transition(ctx.user, id, body)),

    stats: publicProcedure.input(z.object({ gameId })).query(({ input }) => lobby.stats(input.gameId)),

    /** NOT_FOUND until the game finished and was evaluated. */
    capabilities: publicProcedure.input(z.object({ gameId })).query(({ input }) => lobby.capabilities(input.gameId)),

    /**
     * The game's record changes live, each with its id (`type` the change,
     * `data.record` the record after it); with `lastEventId` (sent by the
     * client by itself after a reconnect) every later change still kept
     * first, without gaps or duplicates.
     */
    gameUpdates: publicProcedure
      .input(z.object({ gameId, lastEventId: z.string().nullish() }))
      .subscription(({ ctx, input, signal }) =>
        lobby.gameUpdates({
          gameId: input.gameId,
          lastEventId: input.lastEventId ?? null,
          signal: signal ?? new AbortController().signal,
          transport: ctx.transport === "ws" ? "ws" : "sse",
          disconnect: ctx.disconnect,
        }),
      ),

    /** Embedded only: one Game Master entry (`fields`: its flat string fields); `key` makes a retry safe. */
    appendGmEvent: authedProcedure
      .input(z.object({ fields: z.record(z.string(), z.unknown()), key: z.string().min(1).max(256).optional() }))
      .mutation(({ ctx, input }) => lobby.appendGmEvent(ctx.user, input.fields, { key: input.key })),
  });

export type LobbyRouter = ReturnType<typeof lobbyRouter>;
