import { PlayerActionInputSchema, PurchaseInputSchema, TelemetryInputSchema } from "@gamejournal/shared";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { TooLargeError, ValidationError } from "../errors.ts";
import { identityOf, need } from "../http/access.ts";
import { jsonBody, parseOneOrMany, parseWith } from "../http/validate.ts";
import { assertActsAs, principalOf } from "../platform/auth-user.ts";
import { feedSse, type FeedMetrics, type LiveFeeds } from "../platform/live-feed/index.ts";
import type { JournalingApi } from "./event-journal.ts";
import { isStreamId } from "./ids.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { AppendAnswerSchema, LiveHeadersSchema, LiveQuerySchema, oneOrMany, ReadInputSchema, ReadPathSchema, ReadQuerySchema } from "./schemas.ts";

const tags = ["journal"];
const appended = { 200: { description: "the ids, in input order", schema: AppendAnswerSchema } };
const appendDoc = (summary: string, schema: Parameters<typeof oneOrMany>[0], example: unknown) =>
  describeRoute({ summary, tags, body: { schema: oneOrMany(schema), description: "one event or a non-empty array of them", example }, responses: appended });
import { assertReadableStream } from "./streams.ts";

export interface JournalRoutesDeps {
  journal: JournalingApi;
  feeds: LiveFeeds;
  followMetrics?: FeedMetrics;
}

/**
 * REST edge of the journal. Each POST takes one event or an array, in the
 * stored event's snake_case names, and answers `{"ids": [...]}` in input
 * order; `GET …/{stream}` reads a page, `GET …/{stream}/live` follows the
 * stream as Server-Sent Events.
 */
export function journalRoutes({ journal, feeds, followMetrics }: JournalRoutesDeps): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: journal.maxEventBytes * journal.maxBatch,
    onError: () => {
      throw new TooLargeError(`the request body is over ${journal.maxEventBytes * journal.maxBatch} bytes`);
    },
  });

  app.post(
    "/v1/journal/player-actions",
    appendDoc("journal player actions (events:player_actions)", PlayerActionInputSchema, { user_id: "u1", session_id: "s1", match_id: "m1", action: "goal", data: { x: 1 } }),
    need("any"),
    limit, async (c) => {
    const actions = parseOneOrMany(PlayerActionInputSchema, await jsonBody(c));
    assertActsAs(identityOf(c), c.get("user"), actions.map((a) => a.user_id));
    return c.json(
      await journal.appendBatch(
        actions.map((a) => ({ stream: "events:player_actions", type: a.action, user_id: a.user_id, session_id: a.session_id, match_id: a.match_id, data: a.data, key: a.key, ts: a.ts })),
        { principal: principalOf(c.get("user")) },
      ),
    );
  });

  app.post(
    "/v1/journal/purchases",
    appendDoc("journal purchases (events:purchases)", PurchaseInputSchema, { user_id: "u1", session_id: "s1", purchase: { sku: "gold-100", price: 499 } }),
    need("any"),
    limit, async (c) => {
    const purchases = parseOneOrMany(PurchaseInputSchema, await jsonBody(c));
    assertActsAs(identityOf(c), c.get("user"), purchases.map((p) => p.user_id));
    return c.json(
      await journal.appendBatch(
        purchases.map((p) => ({ stream: "events:purchases", type: "purchase", user_id: p.user_id, session_id: p.session_id, data: p.purchase, key: p.key, ts: p.ts })),
        { principal: principalOf(c.get("user")) },
      ),
    );
  });

  app.post(
    "/v1/journal/telemetry",
    appendDoc("journal telemetry (events:rtapi, and the lobby's stream)", TelemetryInputSchema, { user_id: "u1", session_id: "s1", lobby_id: "lobby-1", data: { ping: 42 } }),
    need("any"),
    limit, async (c) => {
    const items = parseOneOrMany(TelemetryInputSchema, await jsonBody(c));
    assertActsAs(identityOf(c), c.get("user"), items.map((t) => t.user_id));
    return c.json(
      await journal.appendBatch(
        items.map((t) => ({ stream: "events:rtapi", type: "telemetry", user_id: t.user_id, session_id: t.session_id, lobby_id: t.lobby_id, data: t.data, key: t.key, ts: t.ts })),
        { principal: principalOf(c.get("user")) },
      ),
    );
  });

  app.get(
    "/v1/journal/:stream",
    describeRoute({
      summary: "read a page of a stream, in id order",
      tags,
      params: ReadPathSchema,
      query: ReadQuerySchema,
      responses: { 200: { description: "`{stream, events: [{id, type, user_id, ..., ts, data}], next_after?}`" } },
    }),
    need("read"), async (c) => {
    const stream = assertReadableStream(c.req.param("stream"));
    const query = c.req.query();
    const input = parseWith(ReadInputSchema, { ...query, stream });
    const events = await journal.journal.read(stream, input);
    return c.json({ stream, events, ...(events.length === input.count && events.length > 0 ? { next_after: events[events.length - 1]!.id } : {}) });
  });

  /**
   * The stream live (the platform's live feed as plain SSE): with
   * `Last-Event-ID` (an EventSource sends it by itself when it reconnects)
   * or `?lastEventId=`, every later entry still kept first; without, entries
   * appended from now on.
   */
  app.get(
    "/v1/journal/:stream/live",
    describeRoute({
      summary: "follow a stream live (Server-Sent Events), resumable",
      description: "Each entry as `id: <id>` and `data: <entry JSON>`; `event: events_lost` first when the id was trimmed; `event: error` when the client fell too far behind.",
      tags,
      params: ReadPathSchema,
      query: LiveQuerySchema,
      headers: LiveHeadersSchema,
      responses: { 200: { description: "an event stream", contentType: "text/event-stream" } },
    }),
    need("read"), async (c) => {
    const stream = assertReadableStream(c.req.param("stream"));
    const lastEventId = c.req.header("Last-Event-ID")?.trim() || c.req.query("lastEventId") || null;
    if (lastEventId !== null && !isStreamId(lastEventId)) {
      throw new ValidationError(`lastEventId must be an event id such as 1732350000000-0, got "${lastEventId}"`, "lastEventId");
    }
    const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
    return feedSse(
      ({ signal, disconnect }) =>
        feeds.follow({ stream, lastEventId, signal, disconnect, transport: "sse", ...(followMetrics ? { metrics: followMetrics } : {}) }),
      { signal: c.req.raw.signal, onCut: () => server?.timeout?.(c.req.raw, 1) },
    );
  });

  return app;
}
