import { DEFAULT_NODE, isNodeId, isUuid, parseMatchId, toMatchId } from "@gamejournal/shared";
import { z } from "zod";
import { assertActsAs, principalOf } from "../platform/auth-user.ts";
import { authedProcedure, readProcedure, router } from "../platform/rpc.ts";
import type { UncheckedFrameIngest } from "./ingest.ts";
import type { SessionEvent } from "./session-event.ts";
import { MAX_PAGE_LIMIT, type SessionEventPage, type SessionEventStore } from "./session-event-store.ts";

const lobbySessionId = z
  .string()
  .refine(isUuid, { message: "must be a session UUID" })
  .transform((id) => id.toLowerCase());
const matchId = z.string().transform((value, ctx) => {
  const parsed = parseMatchId(value);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: "must be <session uuid>.<node>" });
    return z.NEVER;
  }
  return toMatchId(parsed.lobby_session_id, parsed.node);
});
const page = {
  /** At most this many events; unset: all of them. */
  limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
  /** A `next_after` from the previous page. */
  after: z.string().min(1).optional(),
};

/** A stored session event as the typed client receives it: the stored fields, times as ISO strings. */
export type SessionEventJson = Omit<SessionEvent, "timestamp" | "created_at" | "updated_at"> & {
  timestamp: string;
  created_at: string;
  updated_at: string;
};

function toJson(e: SessionEvent): SessionEventJson {
  return { ...e, timestamp: e.timestamp.toISOString(), created_at: e.created_at.toISOString(), updated_at: e.updated_at.toISOString() };
}

function pageJson(page: SessionEventPage) {
  return { count: page.events.length, events: page.events.map(toJson), ...(page.next_after ? { next_after: page.next_after } : {}) };
}

/**
 * Session events over tRPC: the reads of seeds 001/002 in frame order, with
 * the full stored documents and cursor paging (`limit`, then `after` =
 * the previous page's `next_after`, present only while more follow), and
 * ingest of frames through the same pipeline as `/v3/stream`.
 */
export const sessionsRouter = ({ store, ingest }: { store: SessionEventStore; ingest: UncheckedFrameIngest }) =>
  router({
    /** A lobby session's events (every node's); an unknown session has none. */
    getSessionEvents: readProcedure.input(z.object({ lobby_session_id: lobbySessionId, ...page })).query(async ({ input }) => ({
      lobby_session_id: input.lobby_session_id,
      ...pageJson(await store.byLobbySession(input.lobby_session_id, { limit: input.limit, after: input.after })),
    })),

    /** A match's events (`<session uuid>.<node>`: one node's view of a lobby session). */
    getMatchEvents: readProcedure.input(z.object({ match_id: matchId, ...page })).query(async ({ input }) => ({
      match_id: input.match_id,
      ...pageJson(await store.byMatch(input.match_id, { limit: input.limit, after: input.after })),
    })),

    /** How many events a lobby session has and when its first and last were stored; null when it has none. */
    getLobbySession: readProcedure.input(z.object({ lobby_session_id: lobbySessionId })).query(async ({ input }) => {
      const info = await store.lobbySessionInfo(input.lobby_session_id);
      return info ? { ...info, created_at: info.created_at.toISOString(), updated_at: info.updated_at.toISOString() } : null;
    }),

    /**
     * Ingests frames (LobbySessionStateFrames, either naming) as `/v3/stream`
     * does, and answers once they are durable in the journal: one id per frame
     * (null while spooled) and its match id. Needs a token; the user is
     * `user_id`, else the token's subject; the node is `node_id`, else `default-node`.
     */
    ingestFrames: authedProcedure
      .input(
        z.object({
          frames: z.array(z.unknown()).min(1, "frames must not be empty").max(500),
          node_id: z.string().refine(isNodeId, { message: "must be 1 to 128 characters without spaces or '/'" }).optional(),
          user_id: z.string().min(1).max(256).optional(),
        }),
      )
      .mutation(({ ctx, input }) => {
        const userId = input.user_id ?? ctx.user.sub;
        assertActsAs(ctx.identity, ctx.user, [userId]);
        const principal = principalOf(ctx.user);
        return ingest.parseAndIngest(input.frames, { node: input.node_id ?? DEFAULT_NODE, userId, ...(principal ? { principal } : {}) });
      }),
  });

export type SessionsRouter = ReturnType<typeof sessionsRouter>;
