import type { Access } from "../auth/access.ts";
import { GameJournalError, TooLargeError, ValidationError } from "../errors.ts";
import { describeError } from "../http/errors.ts";
import { closeWhenExpired } from "../http/socket-expiry.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../log.ts";
import type { EndpointSocket, SocketEndpoint } from "../platform/module.ts";
import type { FrameIngestApi, FrameSender } from "./ingest.ts";
import { senderOf } from "./sender.ts";
import { parseStreamMessage } from "./stream-message.ts";

/** Where the endpoint is served (seed 002). */
export const STREAM_PATH = "/v3/stream";

/** What a `/v3/stream` socket carries. */
export interface StreamSocketState {
  readonly sender: FrameSender;
  /** Messages received and not answered yet. */
  unanswered: number;
  /** The processing of the last message received; each message waits for the one before it. */
  tail: Promise<void>;
  closed: boolean;
  /** When the credential the connection was opened with expires (epoch ms); the connection closes then. */
  readonly expiresAt?: number;
  /** Cancels the expiry close. */
  cancelExpiry?: () => void;
}

type Socket = EndpointSocket<StreamSocketState>;

/** The answer to one message. */
export type StreamAnswer =
  | { success: true; ids: Array<string | null>; spooled?: true }
  | { success: false; error: string; code: string; field?: string };

export interface StreamEndpointDeps {
  ingest: FrameIngestApi;
  access: Access;
  clock: Clock;
  logger: Logger;
  /** Largest message in bytes; a larger one is answered with a TOO_LARGE error (default 10 MiB, as nevr-agent). */
  maxMessageBytes?: number;
  /** Most unanswered messages a connection may have; past that, messages are answered OVERLOADED unread (default 1024). */
  maxUnanswered?: number;
}

/**
 * `WS /v3/stream`, the ingest socket of seed 002 (nevr-agent v4's protocol).
 *
 * 1. Authentication happens at the upgrade (`accept`): a JWT (HS256) in
 *    `Authorization: Bearer` or `?token=`; a missing, expired or forged token
 *    gets HTTP 401 with a JSON error, and a bad `X-Node-ID`/`X-User-ID` 400,
 *    before any upgrade. The user is `X-User-ID`, else the token's subject.
 * 2. Each text message (see `parseStreamMessage`: an Envelope, a bare frame,
 *    or an array of either) is answered, in the order received:
 *    `{"success": true, "ids": [...]}` once its frames are durable in the
 *    journal (one id per frame, `[]` for a header; null and `"spooled": true`
 *    while Redis is away), or `{"success": false, "error", "code", "field"?}`
 *    for a message that cannot be accepted (not JSON, a frame failing the
 *    schema, too large); the connection stays open either way. Messages of
 *    one connection are journaled concurrently, their appends issued in
 *    arrival order, and answered in arrival order.
 * 3. A server-side failure (the journal cannot append) is not answered: the
 *    connection is closed with 1011, so the client resends what is
 *    unanswered (ingest is idempotent) instead of dropping it as rejected.
 */
export function createStreamEndpoint({ ingest, access, clock, logger, maxMessageBytes = 10 * 1024 * 1024, maxUnanswered = 1024 }: StreamEndpointDeps): SocketEndpoint<StreamSocketState> {
  if (!ingest) throw new Error("stream endpoint: no frame ingest");
  if (!access) throw new Error("stream endpoint: no access");

  async function answer(sender: FrameSender, raw: string | Buffer): Promise<StreamAnswer> {
    try {
      if (typeof raw !== "string") throw new ValidationError("binary messages are not accepted; send JSON text");
      const bytes = Buffer.byteLength(raw);
      if (bytes > maxMessageBytes) throw new TooLargeError(`the message is ${bytes} bytes, over the limit of ${maxMessageBytes}`);
      const frames = parseStreamMessage(raw).flatMap((item) => (item.kind === "frame" ? [item.frame] : []));
      const result = await ingest.ingest(frames, sender);
      return { success: true, ids: result.ids, ...(result.spooled ? { spooled: true as const } : {}) };
    } catch (error) {
      return refusal(error);
    }
  }

  /** Queues the answer to a message; answers go out one after another, in arrival order. */
  function reply(ws: Socket, answering: () => Promise<StreamAnswer>): void {
    const state = ws.data.state;
    if (state.closed) return;
    const overloaded = state.unanswered >= maxUnanswered;
    state.unanswered++;
    // Processing starts now, so a connection's messages are journaled concurrently (their
    // appends are issued in arrival order, and Redis runs one connection's commands in order);
    // answers still go out one after another, in arrival order.
    const replying = overloaded
      ? Promise.resolve(refusal(new GameJournalError("OVERLOADED", `more than ${maxUnanswered} messages are unanswered; wait for answers before sending more`)))
      : answering();
    replying.catch(() => {}); // handled in order below
    state.tail = state.tail.then(async () => {
      let answer: StreamAnswer;
      try {
        answer = await replying;
      } catch (error) {
        // Only server-side failures get here (`refusal` rethrows them).
        if (!state.closed) {
          logger.error({ err: error, node: state.sender.node }, "stream message failed; closing so the client resends");
          state.closed = true;
          ws.close(1011, "internal error; resend unanswered messages");
        }
        return;
      } finally {
        state.unanswered--;
      }
      if (!state.closed) ws.send(JSON.stringify(answer));
    });
  }

  return {
    name: "stream",
    paths: [STREAM_PATH],
    maxMessageBytes,

    /** Checks an upgrade request: the new socket's state, or the Response (401, 400) to answer instead of upgrading. */
    async accept(req: Request): Promise<StreamSocketState | Response> {
      try {
        const identity = await access.identify(req);
        const sender = senderOf(req, identity, { requireToken: true });
        const expiresAt = identity.user?.expiresAt;
        return { sender, unanswered: 0, tail: Promise.resolve(), closed: false, ...(expiresAt !== undefined ? { expiresAt } : {}) };
      } catch (error) {
        const described = describeError(error);
        if (described.status >= 500) logger.error({ err: error }, "stream upgrade failed");
        return Response.json(refusalOf(described), { status: described.status });
      }
    },

    open(ws: Socket): void {
      logger.debug({ node: ws.data.state.sender.node, user_id: ws.data.state.sender.userId }, "stream connected");
      ws.data.state.cancelExpiry = closeWhenExpired(ws, ws.data.state.expiresAt, clock);
    },

    message(ws: Socket, raw: string | Buffer): void {
      reply(ws, () => answer(ws.data.state.sender, raw));
    },

    /** A message the server refused unread (too large or deep, rate limited) is answered in order like any other. */
    refuse(ws: Socket, _raw: string | Buffer, error: Error): void {
      reply(ws, async () => refusal(error));
    },

    close(ws: Socket): void {
      ws.data.state.closed = true;
      ws.data.state.cancelExpiry?.();
    },
  };
}

/** The answer for a message the server refuses; rethrows a server-side failure (5xx). */
function refusal(error: unknown): StreamAnswer {
  const described = describeError(error);
  if (described.status >= 500) throw error;
  return refusalOf(described);
}

function refusalOf(described: ReturnType<typeof describeError>): StreamAnswer & { success: false } {
  return { success: false, error: described.message, code: described.code, ...(described.field ? { field: described.field } : {}) };
}
