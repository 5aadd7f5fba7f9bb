import { isUuid, sessionIdOf } from "@gamejournal/shared";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { TooLargeError, ValidationError } from "../errors.ts";
import { identityOf } from "../http/access.ts";
import { errorResponse } from "../http/respond.ts";
import { jsonBody } from "../http/validate.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { FrameSchema } from "@gamejournal/shared";
import { z } from "zod";

const tags = ["session events"];
const IngestHeadersSchema = z.object({
  "X-Node-ID": z.string().optional().describe("the node part of the match id (default default-node)"),
  "X-User-ID": z.string().optional().describe("the user the frame is stored under (default: the credential's subject)"),
});
const FRAME_EXAMPLE = { frame_index: 1, timestamp: "2025-03-01T12:00:00Z", session: { session_id: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" } };
const frameBody = { schema: FrameSchema, description: "a LobbySessionStateFrame in protobuf-JSON (snake_case or camelCase names)", example: FRAME_EXAMPLE };
import type { Logger } from "../log.ts";
import { parseFrame } from "./frame-input.ts";
import type { FrameIngestApi } from "./ingest.ts";
import { senderOf } from "./sender.ts";

export interface IngestRoutesDeps {
  ingest: FrameIngestApi;
  /** Largest accepted body in bytes (the journal's event size); 413 above. */
  maxBodyBytes: number;
  logger?: Logger;
}

/**
 * The REST writes of session events; each stores one frame through the
 * ingest pipeline (journal first) and answers once it is durable:
 *
 * - seed 001: `POST /session-events` → `{"success": true, "match_id": "<uuid>.<node>"}`;
 * - seed 002 / nevr-agent: `POST /lobby-session-events` (also under `/v1`
 *   and `/v3`, and at `/lobby-session-events/{lobby_session_id}`, which must
 *   name the frame's session) → `{"success": true, "lobby_session_id": "<uuid>"}`.
 *
 * The body is a LobbySessionStateFrame in protobuf-JSON (either naming).
 * Headers: `X-Node-ID` (default `default-node`), `X-User-ID`; a credential
 * is needed in AUTH_MODE=token (see `senderOf`), and one that is sent must be
 * valid (its subject is the user when `X-User-ID` is absent). Errors: `{"success": false, "error", "code",
 * "field"?}` with 400 (not JSON, a field that fails the schema, named), 401
 * (bad token), 413 (too large).
 */
export function ingestRoutes({ ingest, maxBodyBytes, logger }: IngestRoutesDeps): Hono {
  if (!ingest) throw new Error("ingest routes: no frame ingest");
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => errorResponse(c, new TooLargeError(`the request body is over the limit of ${maxBodyBytes} bytes`)),
  });

  /** Validates the sender and the body (whose session must be `named`, when given) and journals the frame. */
  async function receive(c: Context, named?: string) {
    if (named !== undefined && !isUuid(named)) throw new ValidationError("lobby_session_id: must be a session UUID", "lobby_session_id");
    const sender = senderOf(c.req.raw, identityOf(c), { requireToken: false });
    const frame = parseFrame(await jsonBody(c));
    const lobby_session_id = sessionIdOf(frame);
    if (named !== undefined && named.toLowerCase() !== lobby_session_id) {
      throw new ValidationError("lobby_session_id: does not match the frame's session id", "lobby_session_id");
    }
    const { match_ids } = await ingest.ingest([frame], sender);
    return { lobby_session_id, match_id: match_ids[0]! };
  }

  app.post(
    "/session-events",
    describeRoute({ summary: "store one telemetry frame (seed 001)", tags, scope: "any", headers: IngestHeadersSchema, body: frameBody, responses: { 200: { description: '`{"success": true, "match_id": "<uuid>.<node>"}`' } } }),
    limit,
    async function postSessionEvent(c) {
    try {
      const { match_id } = await receive(c);
      return c.json({ success: true, match_id });
    } catch (error) {
      return errorResponse(c, error, logger);
    }
  });

  async function postLobbySessionEvent(c: Context) {
    try {
      const { lobby_session_id } = await receive(c, c.req.param("lobby_session_id"));
      return c.json({ success: true, lobby_session_id });
    } catch (error) {
      return errorResponse(c, error, logger);
    }
  }
  const lobbyDoc = (named: boolean) =>
    describeRoute({
      summary: named ? "store one telemetry frame of the named lobby session (seed 002)" : "store one telemetry frame (seed 002)",
      tags,
      scope: "any",
      ...(named ? { params: z.object({ lobby_session_id: z.uuid().describe("must be the frame's session id") }) } : {}),
      headers: IngestHeadersSchema,
      body: frameBody,
      responses: { 200: { description: '`{"success": true, "lobby_session_id": "<uuid>"}`' } },
    });
  for (const prefix of ["", "/v1", "/v3"]) {
    app.post(`${prefix}/lobby-session-events`, lobbyDoc(false), limit, postLobbySessionEvent);
    app.post(`${prefix}/lobby-session-events/:lobby_session_id`, lobbyDoc(true), limit, postLobbySessionEvent);
  }

  return app;
}
