import { Hono, type Context } from "hono";
import { z } from "zod";
import { NotFoundError, UnauthenticatedError } from "../errors.ts";
import { identityOf, need } from "../http/access.ts";
import { jsonBody, parseWith } from "../http/validate.ts";
import { assertActsAs, principalOf } from "../platform/auth-user.ts";
import { describeRoute } from "../http/openapi/index.ts";
import type { TelemetryApi } from "./telemetry.ts";

const tags = ["telemetry"];
/** Seed 000's session headers (both required; checked by `sessionOf`). */
const SessionHeadersSchema = z.object({ "X-Session-ID": z.string().min(1), "X-User-ID": z.string().min(1) });
const BroadcastHeadersSchema = z.object({
  "X-User-ID": z.string().optional(),
  "X-Session-ID": z.string().optional(),
  "Idempotency-Key": z.string().optional().describe("a repeat within the idempotency window adds nothing"),
});
const SubscriptionAnswerSchema = z.object({ success: z.literal(true), message: z.string(), lobby_id: z.string(), session_id: z.string() });

export const LobbyListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

const LobbyBodySchema = z.object({ lobby_id: z.string({ error: "lobby_id is required" }).min(1, "lobby_id must not be empty").max(256) });

/** Seed 000: the session is named by `X-Session-ID` and `X-User-ID`; both are required. */
function sessionOf(c: Context): { sessionId: string; userId: string } {
  const sessionId = c.req.header("X-Session-ID")?.trim();
  const userId = c.req.header("X-User-ID")?.trim();
  if (!sessionId || !userId) {
    const missing = [!sessionId && "X-Session-ID", !userId && "X-User-ID"].filter(Boolean).join(" and ");
    throw new UnauthenticatedError(`session authentication required: the ${missing} header${missing.includes(" and ") ? "s are" : " is"} missing or empty`);
  }
  return { sessionId, userId };
}

/** Seed 000's `/rtapi` subscription API and the REST broadcast, with the seed's exact shapes. */
export function telemetryRoutes(telemetry: TelemetryApi): Hono {
  const app = new Hono();

  app.post(
    "/rtapi/subscribe",
    describeRoute({ summary: "subscribe a session to a lobby's telemetry", tags, headers: SessionHeadersSchema, body: { schema: LobbyBodySchema, example: { lobby_id: "lobby-1" } }, responses: { 200: { description: "subscribed (or renewed)", schema: SubscriptionAnswerSchema } } }),
    need("any"), async (c) => {
    const { sessionId, userId } = sessionOf(c);
    assertActsAs(identityOf(c), c.get("user"), [userId], "X-User-ID");
    const { lobby_id } = parseWith(LobbyBodySchema, await jsonBody(c));
    await telemetry.registry.subscribe(lobby_id, sessionId, userId);
    return c.json({ success: true, message: "Successfully subscribed to lobby rtapi", lobby_id, session_id: sessionId });
  });

  app.post(
    "/rtapi/unsubscribe",
    describeRoute({ summary: "unsubscribe a session from a lobby", tags, headers: SessionHeadersSchema, body: { schema: LobbyBodySchema, example: { lobby_id: "lobby-1" } }, responses: { 200: { description: "unsubscribed", schema: SubscriptionAnswerSchema }, 404: { description: "no such subscription" } } }),
    need("any"), async (c) => {
    const { sessionId, userId } = sessionOf(c);
    assertActsAs(identityOf(c), c.get("user"), [userId], "X-User-ID");
    const { lobby_id } = parseWith(LobbyBodySchema, await jsonBody(c));
    if (!(await telemetry.registry.unsubscribe(lobby_id, sessionId))) {
      throw new NotFoundError(`session ${sessionId} has no subscription to lobby ${lobby_id}`);
    }
    return c.json({ success: true, message: "Successfully unsubscribed from lobby rtapi", lobby_id, session_id: sessionId });
  });

  app.get(
    "/rtapi/subscriptions",
    describeRoute({ summary: "a lobby's subscriptions", tags, query: LobbyBodySchema, responses: { 200: { description: "`{lobby_id, subscriptions: [{session_id, user_id, lobby_id, active}], count}`" } } }),
    need("read"), async (c) => {
    const { lobby_id } = parseWith(LobbyBodySchema, { lobby_id: c.req.query("lobby_id") });
    const subscriptions = await telemetry.registry.list(lobby_id);
    return c.json({ lobby_id, subscriptions, count: subscriptions.length });
  });

  /** The lobbies with a stream, most recently active first: `{lobbies: [{lobby_id, length, entries_added, last_id, last_event_at, subscribers, active_subscribers}], total}`. */
  app.get(
    "/v1/lobbies",
    describeRoute({ summary: "the lobbies with a stream, most recently active first, with their subscriber counts", tags, query: LobbyListQuerySchema, responses: { 200: { description: "`{lobbies: [...], total}`" } } }),
    need("read"), async (c) => {
    const { limit } = parseWith(LobbyListQuerySchema, c.req.query());
    return c.json(await telemetry.lobbies(limit));
  });

  /** Body: the telemetry data (any JSON). Optional headers: X-User-ID, X-Session-ID, Idempotency-Key. */
  app.post(
    "/v1/lobbies/:lobby_id/telemetry",
    describeRoute({
      summary: "broadcast telemetry to a lobby's subscribers (journaled first)",
      tags,
      params: LobbyBodySchema,
      headers: BroadcastHeadersSchema,
      body: { schema: z.unknown(), description: "the telemetry data: any JSON", example: { ping: 42 } },
      responses: { 200: { description: "`{lobby_id, id, journal_id}`: the ids in the lobby's stream and in events:rtapi" } },
    }),
    need("ingest"), async (c) => {
    const { lobby_id } = parseWith(LobbyBodySchema, { lobby_id: c.req.param("lobby_id") });
    const data = await jsonBody(c);
    const userId = c.req.header("X-User-ID")?.trim();
    const sessionId = c.req.header("X-Session-ID")?.trim();
    const key = c.req.header("Idempotency-Key")?.trim();
    const principal = principalOf(c.get("user"));
    return c.json(
      await telemetry.broadcast(lobby_id, data, { ...(userId ? { userId } : {}), ...(sessionId ? { sessionId } : {}), ...(key ? { key } : {}), ...(principal ? { principal } : {}) }),
    );
  });

  return app;
}
