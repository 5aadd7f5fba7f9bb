import { GameIdSchema, type GameCommand, type GameFeedItem } from "@gamejournal/shared";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { ingestProcedure, optionalCredentialProcedure, publicProcedure, router, scopedProcedure, subscriberOf } from "../platform/rpc.ts";

/** A seat's operations take its token (scope `player`), even in AUTH_MODE=open; replay is an operator's (`admin`). */
const seatProcedure = scopedProcedure("player", { credential: true });
const operatorProcedure = scopedProcedure("admin", { credential: true });
import type { GameService } from "./service.ts";

const gameId = z.object({ gameId: GameIdSchema });
/** An event id to resume after (the id of a `games.events` item). */
const eventId = z
  .string()
  .regex(/^\d{1,15}$/, "lastEventId must be an event id: a whole number from 0")
  .nullish();

/**
 * The game rooms over tRPC: the same operations as the REST routes, answered
 * with the same shapes (a refusal is a result `{success: false, error,
 * code}`, not a thrown error), and the live feed. The caller's seat comes
 * from the connection's token (`ctx.user`: the token `join` returned).
 */
export const gamesRouter = (games: GameService) =>
  router({
    /** `{gameId?, numPlayers, seed?}` → `{success, gameId}`. */
    create: ingestProcedure
      .input(z.object({ gameId: GameIdSchema.optional(), numPlayers: z.number(), seed: z.union([z.string(), z.number()]).optional() }))
      .mutation(({ input }) => games.create(input)),

    /** Takes the lowest free seat → `{success, gameId, playerId, token}`; connect again with that token to play. */
    join: scopedProcedure("any")
      .input(z.object({ gameId: GameIdSchema, name: z.string(), commandId: z.string().min(1).max(128).optional() }))
      .mutation(({ input }) => games.join(input.gameId, { name: input.name, ...(input.commandId ? { commandId: input.commandId } : {}) })),

    leave: seatProcedure.input(gameId).mutation(({ ctx, input }) => games.leave(input.gameId, ctx.user)),

    /** A command of the token's seat, `{commandId, type, ...}` → `{success, events, version}` or a refusal. */
    command: seatProcedure
      .input(z.object({ gameId: GameIdSchema, command: z.custom<GameCommand>((v) => typeof v === "object" && v !== null, "command must be an object") }))
      .mutation(({ ctx, input }) => games.command(input.gameId, ctx.user, input.command)),

    /** The state as the caller may see it (their seat's view, else the public one). */
    state: optionalCredentialProcedure.input(gameId).query(({ ctx, input }) => games.state(input.gameId, ctx.user)),

    /** Events after `after` as the caller may see them (the log read back). */
    history: optionalCredentialProcedure
      .input(z.object({ gameId: GameIdSchema, after: z.number().int().nonnegative().optional(), limit: z.number().int().min(1).max(1_000).optional() }))
      .query(({ ctx, input }) => games.events(input.gameId, ctx.user, { ...(input.after !== undefined ? { after: input.after } : {}), ...(input.limit ? { limit: input.limit } : {}) })),

    list: publicProcedure
      .input(z.object({ status: z.enum(["waiting", "playing", "finished"]).optional(), limit: z.number().int().min(1).max(500).optional(), after: GameIdSchema.optional() }).optional())
      .query(({ input }) => games.list(input ?? {})),

    /** Rebuilds the game from its log and checks its snapshot (the `admin` scope). */
    replay: operatorProcedure.input(gameId).mutation(({ ctx, input }) => games.replay(input.gameId, ctx.user)),

    /**
     * The game live, each item with its id: without `lastEventId` the state
     * first (its id is its version), then every later event; with it (the
     * client resends the last id it saw after a reconnect, to this instance
     * or another), the events after it, then live ones. No gap, no
     * duplicate: see games/feed.ts for why the feed listens before it reads.
     */
    events: optionalCredentialProcedure.input(z.object({ gameId: GameIdSchema, lastEventId: eventId })).subscription(async function* ({ ctx, input, signal }) {
      const viewer = await games.viewerOf(input.gameId, ctx.user);
      const feed = games.feed({
        gameId: input.gameId,
        viewer,
        lastEventId: input.lastEventId == null ? null : Number(input.lastEventId),
        ...subscriberOf(ctx, signal),
      });
      for await (const step of feed) {
        if (step.kind === "state") yield tracked(String(step.version), { type: "state", gameId: input.gameId, state: step.state } satisfies GameFeedItem as GameFeedItem);
        else if (step.kind === "event") yield tracked(String(step.event.eventId), { type: "event", gameId: input.gameId, event: step.event } satisfies GameFeedItem as GameFeedItem);
      }
    }),
  });

export type GamesRouter = ReturnType<typeof gamesRouter>;
