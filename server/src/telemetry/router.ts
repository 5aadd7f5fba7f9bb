import { z } from "zod";
import { ingestProcedure, readProcedure, router, subscriberOf } from "../platform/rpc.ts";
import { SUBSCRIPTION_STREAM_MODE } from "./registry.ts";
import type { TelemetryApi } from "./telemetry.ts";
import { principalOf, type AuthUser } from "../platform/auth-user.ts";

/** A credential's subject; none for the anonymous caller of AUTH_MODE=open. */
const subjectOf = (user: AuthUser): string | undefined => (user.via === "open" ? undefined : user.sub);

const lobbyId = z.string().min(1, "lobbyId must not be empty").max(256);

/** Live lobby telemetry over tRPC. */
export const telemetryRouter = (telemetry: TelemetryApi) =>
  router({
    /** Seed 000's BroadcastTelemetry: journals the event, then every subscriber of the lobby gets it. */
    broadcast: ingestProcedure
      .input(
        z.object({
          lobbyId,
          data: z.unknown(),
          userId: z.string().max(256).optional(),
          sessionId: z.string().max(256).optional(),
          key: z.string().min(1).max(256).optional(),
        }),
      )
      .mutation(({ ctx, input }) =>
        telemetry.broadcast(input.lobbyId, input.data, {
          ...(input.userId ? { userId: input.userId } : {}),
          ...(input.sessionId ? { sessionId: input.sessionId } : {}),
          ...(input.key ? { key: input.key } : {}),
          principal: principalOf(ctx.user),
        }),
      ),

    /**
     * The lobby's events as they are broadcast, each with its id. With
     * `lastEventId` (the client sends it by itself after a reconnect) it first
     * replays every later event still kept. With `sessionId`, the session is
     * registered and kept active while the feed runs.
     */
    lobby: readProcedure
      .input(
        z.object({
          lobbyId,
          lastEventId: z
            .string()
            .regex(/^\d+-\d+$/, "lastEventId must be an event id such as 1732350000000-0")
            .nullish(),
          sessionId: z.string().min(1).max(256).optional(),
          userId: z.string().max(256).optional(),
        }),
      )
      .subscription(({ ctx, input, signal }) =>
        telemetry.feed({
          lobbyId: input.lobbyId,
          lastEventId: input.lastEventId ?? null,
          ...subscriberOf(ctx, signal),
          ...(input.sessionId ? { sessionId: input.sessionId } : {}),
          ...((input.userId ?? subjectOf(ctx.user)) ? { userId: input.userId ?? subjectOf(ctx.user) } : {}),
        }),
      ),

    /** The lobbies that have a stream, most recently active first, with their subscriber counts (the console's lobby list). */
    lobbies: readProcedure.input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 })).query(({ input }) => telemetry.lobbies(input.limit)),

    /** The lobby's registered subscriptions (as `GET /rtapi/subscriptions`), with the stream mode. */
    subscriptions: readProcedure.input(z.object({ lobbyId })).query(async ({ input }) => {
      const subscriptions = await telemetry.registry.list(input.lobbyId);
      return { lobby_id: input.lobbyId, stream_mode: SUBSCRIPTION_STREAM_MODE, subscriptions, count: subscriptions.length };
    }),
  });

export type TelemetryRouter = ReturnType<typeof telemetryRouter>;
