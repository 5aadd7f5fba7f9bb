import { isUuid, parseMatchId, toMatchId } from "@gamejournal/shared";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { need } from "../http/access.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { errorResponse } from "../http/respond.ts";
import type { Logger } from "../log.ts";
import type { SessionEvent } from "./session-event.ts";
import { MAX_PAGE_LIMIT, type PageOptions, type SessionEventPage, type SessionEventStore } from "./session-event-store.ts";

export interface SessionRoutesDeps {
  store: SessionEventStore;
  logger?: Logger;
}

const tags = ["session events"];
const MatchPathSchema = z.object({ match_id: z.string().describe("<session uuid>.<node>") });
const LobbySessionPathSchema = z.object({ lobby_session_id: z.uuid().describe("the game's session UUID") });

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
  after: z.string().min(1).optional(),
});

/**
 * The REST reads of session events (the writes go through ingest):
 *
 * - seed 001: `GET /session-events/{match_id}` →
 *   `{match_id, count, events: [{match_id, user_id, data}]}`;
 * - seed 002: `GET /lobby-session-events/{lobby_session_id}` (also under
 *   `/v1` and `/v3`) → `{lobby_session_id, count, events: [{lobby_session_id,
 *   user_id, frame, event_types, timestamp, created_at, updated_at}]}`.
 *
 * Events come in frame order. Without `limit` every event is returned, as
 * the seeds do; `?limit=N` returns at most N and, when more follow, adds
 * `next_after`, to be passed back as `?after=`. `count` is the number of
 * events in the answer. An id with no events answers 404 with the same shape
 * and no events; a malformed id, limit or cursor answers 400 naming it.
 */
export function sessionRoutes({ store, logger }: SessionRoutesDeps): Hono {
  if (!store) throw new Error("session routes: no session event store");
  const app = new Hono();

  app.get(
    "/session-events/:match_id",
    describeRoute({
      summary: "a match's stored session events, in frame order (seed 001)",
      tags,
      params: MatchPathSchema,
      query: PageQuery,
      responses: { 200: { description: "`{match_id, count, events: [{match_id, user_id, data}], next_after?}`" }, 404: { description: "no events for this match" } },
    }),
    need("read"),
    async function getSessionEvents(c) {
    try {
      const raw = c.req.param("match_id");
      const parsed = parseMatchId(raw);
      if (!parsed) throw new ValidationError("match_id: must be <session uuid>.<node>", "match_id");
      const matchId = toMatchId(parsed.lobby_session_id, parsed.node);
      const page = await readPage(c, (options) => store.byMatch(matchId, options), () => store.countByMatch(matchId));
      const events = page.events.map((e) => ({ match_id: e.match_id, user_id: e.user_id, data: e.frame }));
      return c.json({ match_id: matchId, count: events.length, events, ...nextOf(page) }, page.found ? 200 : 404);
    } catch (error) {
      return errorResponse(c, error, logger);
    }
  });

  async function getLobbySessionEvents(c: Context) {
    try {
      const raw = c.req.param("lobby_session_id") ?? "";
      if (!isUuid(raw)) throw new ValidationError("lobby_session_id: must be a session UUID", "lobby_session_id");
      const id = raw.toLowerCase();
      const page = await readPage(c, (options) => store.byLobbySession(id, options), () => store.countByLobbySession(id));
      const events = page.events.map(toLobbySessionEventJson);
      return c.json({ lobby_session_id: id, count: events.length, events, ...nextOf(page) }, page.found ? 200 : 404);
    } catch (error) {
      return errorResponse(c, error, logger);
    }
  }
  const lobbyDoc = describeRoute({
    summary: "a lobby session's stored events, in frame order (seed 002)",
    tags,
    params: LobbySessionPathSchema,
    query: PageQuery,
    responses: {
      200: { description: "`{lobby_session_id, count, events: [{lobby_session_id, user_id, frame, event_types, timestamp, created_at, updated_at}], next_after?}`" },
      404: { description: "no events for this session" },
    },
  });
  for (const prefix of ["", "/v1", "/v3"]) app.get(`${prefix}/lobby-session-events/:lobby_session_id`, lobbyDoc, need("read"), getLobbySessionEvents);

  return app;
}

/** Seed 002's stored-document shape, times as ISO strings. */
export function toLobbySessionEventJson(e: SessionEvent) {
  return {
    lobby_session_id: e.lobby_session_id,
    user_id: e.user_id,
    frame: e.frame,
    event_types: e.event_types,
    timestamp: e.timestamp.toISOString(),
    created_at: e.created_at.toISOString(),
    updated_at: e.updated_at.toISOString(),
  };
}

/**
 * Reads the page the query asks for. `found` is false only when the id has
 * no events at all: an empty page past the end of a known session is a 200.
 */
async function readPage(
  c: Context,
  read: (options: PageOptions) => Promise<SessionEventPage>,
  count: () => Promise<number>,
): Promise<SessionEventPage & { found: boolean }> {
  const query = PageQuery.safeParse({ limit: c.req.query("limit"), after: c.req.query("after") });
  if (!query.success) throw query.error;
  const page = await read(query.data);
  const found = page.events.length > 0 || (query.data.after !== undefined && (await count()) > 0);
  return { ...page, found };
}

function nextOf(page: SessionEventPage): { next_after?: string } {
  return page.next_after === undefined ? {} : { next_after: page.next_after };
}
