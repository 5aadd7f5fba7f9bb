import { callTRPCProcedure, getErrorShape, getTRPCErrorFromUnknown, TRPCError, type AnyTRPCRouter } from "@trpc/server";
import { parseTRPCMessage, type TRPCClientOutgoingMessage } from "@trpc/server/rpc";
import type { Server } from "bun";
import { describeError } from "../http/errors.ts";
import { closeWhenExpired } from "../http/socket-expiry.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../log.ts";
import { FeedPage, socketStepsOf, TopicOffer, type TopicMember } from "../platform/live-feed/index.ts";
import type { EndpointSocket, SocketEndpoint } from "../platform/module.ts";
import type { Context } from "../platform/rpc.ts";
import type { CreateContext } from "./context.ts";
import { encodeData } from "./ws-encode.ts";
import { Subscriptions } from "./ws-subscriptions.ts";
import { WsTopics } from "./ws-topics.ts";
import { messageOf } from "../errors.ts";

/**
 * tRPC over Bun's native WebSocket, speaking the protocol of tRPC's own
 * `ws` adapter (what `wsLink` expects): queries, mutations and subscriptions,
 * `connectionParams`, `subscription.stop`, `PING`/`PONG`.
 *
 * Why our own: Bun's `ServerWebSocket` is not the `ws` package's socket, and
 * we need two things the generic adapters lack:
 * 1. Backpressure. A subscription's generator is pulled only while the
 *    socket drains: when `send` reports backpressure we wait for `drain`
 *    before asking for the next event, so a client that stops reading stops
 *    its generator, whose bounded buffer then ends it (see the telemetry
 *    feed). Memory stays bounded by one message per socket plus that buffer.
 * 2. Serialise once. An event yielded as `SerializedJson` is spliced into the
 *    envelope as a string, so fanout to many sockets does not stringify the
 *    same payload once per subscriber.
 * 3. Fewer writes. A subscription that returns a live feed offering socket
 *    steps (platform/live-feed/socket-delivery.ts) is driven by them: a
 *    `FeedPage` is written corked (one syscall for a page of backlog, still
 *    pausing on backpressure), or as one batch message to a client that
 *    connected with `?pages=1`, and a `TopicOffer` moves a caught-up
 *    subscriber onto a native topic: Bun's `publish` then writes each live
 *    event to every joined socket without per-socket JavaScript. Topic names
 *    carry the subscription id, since the envelope does: sockets whose
 *    subscriptions share an id share a message.
 * 4. Idle subscribers cost little. Once joined, a subscription is held by
 *    its topic (`TopicOffer.hold`): this handler's loop and the feed end,
 *    and the socket's subscription entry becomes the topic seat, which
 *    `subscription.stop` or the socket's close ends (answering `stopped`, or
 *    the error when the seat is dropped).
 */

export interface TrpcSocketState {
  /** The upgrade request, until the context is built from it (then dropped: an idle socket should not keep it). */
  req: Request | null;
  /** The context once built (until then the promise of it; null before it is asked for). */
  ctx: Promise<Context | null> | Context | null;
  /** Running subscriptions (their abort controller) and held ones (their topic seat), by id. */
  readonly subscriptions: Subscriptions;
  /**
   * The client asked for pages (`/trpc?pages=1`): a page of backlog goes out
   * as one message, a JSON-RPC batch (an array of the data messages it
   * holds); the typed client unpacks it (client/src/paged-websocket.ts).
   */
  readonly pages: boolean;
  /** Who waits for the socket to drain (null while nobody does: an idle socket keeps no array). */
  drainWaiters: Array<() => void> | null;
  closed: boolean;
  /** Cancels the close at the credential's expiry, once the context knows it. */
  cancelExpiry?: () => void;
}

type Socket = EndpointSocket<TrpcSocketState>;

export interface TrpcWsHandlerOptions {
  router: AnyTRPCRouter;
  createContext: CreateContext;
  logger: Logger;
  /** Most subscriptions open at once on one socket (`WS_MAX_SUBSCRIPTIONS`, default 100); past it a new one is refused. */
  maxSubscriptions?: number;
  /** Times the close of a connection whose credential expires. */
  clock: Clock;
}

/** tRPC over WebSocket at `/trpc`, as one of the server's socket endpoints. */
export function createTrpcWsHandler({ router, createContext, logger, clock, maxSubscriptions = 100 }: TrpcWsHandlerOptions): SocketEndpoint<TrpcSocketState> {
  const config = router._def._config;
  const topics = new WsTopics<Socket>({
    send: (ws, text) => send(ws, text),
    isClosed: (ws) => ws.data.state.closed,
    disconnect: (ws, reason) => disconnectSlow(ws, reason),
    ended: (ws, id, path, error) => {
      ws.data.state.subscriptions.delete(id);
      if (error) respond(ws, errorMessage(id, error, "subscription", path));
      else respond(ws, { id, jsonrpc: "2.0", result: { type: "stopped" } });
    },
  });

  /**
   * Sends a page of items: as one batch message to a client that asked for
   * pages, else corked, one message each, pausing for `drain` whenever the
   * socket reports backpressure. 0 when the socket is gone.
   */
  async function sendBatch(ws: Socket, idJson: string, items: readonly unknown[], aborted: Promise<"abort">): Promise<number> {
    if (ws.data.state.pages && items.length > 1) {
      let text = "[";
      for (let j = 0; j < items.length; j++) text += (j === 0 ? "" : ",") + encodeData(idJson, items[j]);
      return send(ws, `${text}]`);
    }
    let i = 0;
    let status = 1;
    while (i < items.length) {
      ws.cork(() => {
        while (i < items.length) {
          status = send(ws, encodeData(idJson, items[i++]));
          if (status <= 0) break;
        }
      });
      if (status === 0) return 0;
      if (status === -1 && i < items.length && (await Promise.race([waitForDrain(ws), aborted])) === "abort") return 0;
    }
    return status;
  }

  function send(ws: Socket, text: string): number {
    if (ws.data.state.closed) return 0;
    return ws.send(text);
  }

  function respond(ws: Socket, message: unknown): number {
    return send(ws, JSON.stringify(message));
  }

  function errorMessage(id: string | number | null, cause: unknown, type: string, path?: string, input?: unknown) {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "trpc ws procedure failed");
    return {
      id,
      jsonrpc: "2.0" as const,
      error: getErrorShape({ config, error, type: type as "query", path, input, ctx: undefined }),
    };
  }

  /**
   * A subscriber too far behind is disconnected: close code 4008 with the
   * reason, and the socket is dropped outright if its peer does not finish
   * the close within a second (it is not reading, so its buffer stays full).
   */
  function disconnectSlow(ws: Socket, reason: string): void {
    if (ws.data.state.closed) return;
    logger.warn({ reason }, "disconnecting a slow websocket subscriber");
    ws.data.state.closed = true;
    // A close reason is at most 123 bytes.
    ws.close(4008, Buffer.from(reason).subarray(0, 120).toString());
    // The peer is not reading, so it will not answer the close: drop the connection shortly after.
    setTimeout(() => ws.terminate(), 1_000);
  }

  function waitForDrain(ws: Socket): Promise<void> {
    return new Promise((resolve) => (ws.data.state.drainWaiters ??= []).push(resolve));
  }

  function makeContext(ws: Socket, connectionParams: Record<string, string | undefined> | null): Promise<Context | null> {
    const req = ws.data.state.req!;
    ws.data.state.req = null;
    return createContext({ req, connectionParams, transport: "ws", disconnect: (reason) => disconnectSlow(ws, reason) }).then(
      (ctx) => {
        // An idle socket keeps the context, not the promise of it; and it does not outlive its credential:
        // it closes (4001) when the token expires.
        ws.data.state.ctx = ctx;
        if (!ws.data.state.closed) ws.data.state.cancelExpiry = closeWhenExpired(ws, ctx.user?.expiresAt, clock);
        return ctx;
      },
      (cause) => {
        respond(ws, errorMessage(null, cause, "unknown"));
        ws.close(1008, "context could not be created");
        return null;
      },
    );
  }

  async function runSubscription(
    ws: Socket,
    id: string | number,
    iterable: AsyncIterable<unknown>,
    abort: AbortController,
    path: string,
  ): Promise<void> {
    const steps = socketStepsOf(iterable);
    const iterator: AsyncIterator<unknown> = steps ? steps() : iterable[Symbol.asyncIterator]();
    const aborted = new Promise<"abort">((resolve) => abort.signal.addEventListener("abort", () => resolve("abort"), { once: true }));
    const idJson = JSON.stringify(id);
    let member: TopicMember | undefined;
    let held = false;
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), aborted]);
        if (next === "abort" || next.done) break;
        const value = next.value;
        if (value instanceof TopicOffer) {
          if (value.tryJoin((member ??= topics.member(ws, id, idJson, path)), topics) && !abort.signal.aborted) {
            // Caught up: the topic holds the subscriber from now on, as a plain member; the feed and this loop let go.
            const seat = value.hold?.();
            if (seat) {
              ws.data.state.subscriptions.set(id, seat);
              held = true;
              return;
            }
          }
          // Joined or not, pull again: a joined feed then waits for its end, a refused one catches up.
          continue;
        }
        const sent = value instanceof FeedPage ? await sendBatch(ws, idJson, value.items, aborted) : send(ws, encodeData(idJson, value));
        if (sent === 0) break; // the socket is gone
        if (sent === -1) {
          // Backpressure: pull nothing more until the socket drains (or closes).
          await Promise.race([waitForDrain(ws), aborted]);
        }
      }
      respond(ws, { id, jsonrpc: "2.0", result: { type: "stopped" } });
    } catch (cause) {
      respond(ws, errorMessage(id, cause, "subscription", path));
      if (describeError(cause).code === "OVERLOADED") disconnectSlow(ws, describeError(cause).message);
    } finally {
      if (!held) {
        ws.data.state.subscriptions.delete(id);
        abort.abort();
      }
      // Ends the generator (runs its finally blocks) without awaiting a pending next().
      void Promise.resolve(iterator.return?.()).catch(() => {});
    }
  }

  async function handle(ws: Socket, msg: TRPCClientOutgoingMessage): Promise<void> {
    const { id } = msg;
    if (id === null || id === undefined) {
      respond(ws, errorMessage(null, new TRPCError({ code: "PARSE_ERROR", message: "`id` is required" }), "unknown"));
      return;
    }
    const state = ws.data.state;
    if (msg.method === "subscription.stop") {
      state.subscriptions.get(id)?.abort();
      return;
    }
    const type = msg.method;
    const { path, lastEventId } = msg.params;
    let input = msg.params.input;
    if (lastEventId !== undefined) {
      input = typeof input === "object" && input !== null ? { ...input, lastEventId } : (input ?? { lastEventId });
    }
    if (type === "subscription" && state.subscriptions.has(id)) {
      respond(ws, errorMessage(id, new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` }), type, path));
      return;
    }
    if (type === "subscription" && state.subscriptions.size >= maxSubscriptions) {
      const message = `this connection has ${state.subscriptions.size} subscriptions open, the most allowed (WS_MAX_SUBSCRIPTIONS); stop one first`;
      respond(ws, errorMessage(id, new TRPCError({ code: "TOO_MANY_REQUESTS", message }), type, path));
      return;
    }
    const abort = new AbortController();
    if (type === "subscription") state.subscriptions.set(id, abort);
    try {
      const ctx = await (state.ctx ??= makeContext(ws, null));
      if (!ctx || state.closed || abort.signal.aborted) {
        state.subscriptions.delete(id);
        return;
      }
      const result = await callTRPCProcedure({
        router,
        path,
        getRawInput: async () => input,
        ctx,
        type,
        signal: abort.signal,
        batchIndex: 0,
      });
      if (type !== "subscription") {
        respond(ws, { id, jsonrpc: "2.0", result: { type: "data", data: result } });
        return;
      }
      if (!isAsyncIterable(result)) {
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `subscription ${path} did not return an async iterable` });
      }
      respond(ws, { id, jsonrpc: "2.0", result: { type: "started" } });
      void runSubscription(ws, id, result, abort, path);
    } catch (cause) {
      state.subscriptions.delete(id);
      respond(ws, errorMessage(id, cause, type, path, input));
    }
  }

  function drain(ws: Socket): void {
    const waiters = ws.data.state.drainWaiters;
    ws.data.state.drainWaiters = null;
    for (const resolve of waiters ?? []) resolve();
  }

  return {
    name: "trpc",
    paths: ["/trpc", "/trpc/"],

    /** The Bun server the sockets belong to, for topic publishes. */
    bind(bound: Server<unknown>): void {
      topics.bindServer(bound);
    },

    /** The state a socket carries; the context is built from the request on open or on the first message. */
    accept(req: Request): TrpcSocketState {
      const pages = new URL(req.url).searchParams.get("pages") === "1";
      return { req, ctx: null, subscriptions: new Subscriptions(), pages, drainWaiters: null, closed: false };
    },

    open(ws: Socket): void {
      // Without `?connectionParams=1` the context is built at once; otherwise on the first message.
      if (new URL(ws.data.state.req!.url).searchParams.get("connectionParams") !== "1") {
        ws.data.state.ctx = makeContext(ws, null);
      }
    },

    message(ws: Socket, raw: string | Buffer): void {
      const text = typeof raw === "string" ? raw : raw.toString("utf8");
      if (text === "PING") {
        send(ws, "PONG");
        return;
      }
      if (text === "PONG") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        respond(ws, errorMessage(null, new TRPCError({ code: "PARSE_ERROR", message: "message is not JSON" }), "unknown"));
        return;
      }
      const state = ws.data.state;
      if (!state.ctx && isConnectionParams(parsed)) {
        state.ctx = makeContext(ws, parsed.data ?? null);
        return;
      }
      const items = Array.isArray(parsed) ? parsed : [parsed];
      if (items.length === 0) respond(ws, errorMessage(null, new TRPCError({ code: "PARSE_ERROR", message: "an empty batch: send one or more tRPC messages" }), "unknown"));
      for (const item of items) {
        let msg: TRPCClientOutgoingMessage;
        try {
          msg = parseTRPCMessage(item, config.transformer) as TRPCClientOutgoingMessage;
        } catch (cause) {
          // Answered under the message's own id when it has one, so the caller's request does not wait forever.
          const id = (item as { id?: unknown } | null)?.id;
          const message = `malformed tRPC message: ${messageOf(cause)}`;
          respond(ws, errorMessage(typeof id === "string" || typeof id === "number" ? id : null, new TRPCError({ code: "PARSE_ERROR", message, cause }), "unknown"));
          continue;
        }
        void handle(ws, msg);
      }
    },

    /** A message the server refused unread is answered as an error of its request (its `id` read from the text's start). */
    refuse(ws: Socket, raw: string | Buffer, error: Error): void {
      const head = (typeof raw === "string" ? raw : raw.toString("utf8", 0, 256)).slice(0, 256);
      const found = /"id"\s*:\s*("(?:[^"\\]|\\.){0,100}"|-?\d{1,15})[,}\s]/.exec(head)?.[1];
      let id: string | number | null = null;
      try {
        id = found === undefined ? null : (JSON.parse(found) as string | number);
      } catch {}
      const described = describeError(error);
      respond(ws, errorMessage(id, new TRPCError({ code: described.trpcCode, message: described.message, cause: error }), "unknown"));
    },

    drain,

    close(ws: Socket): void {
      const state = ws.data.state;
      state.closed = true;
      state.cancelExpiry?.();
      for (const subscription of state.subscriptions.values()) subscription.abort();
      state.subscriptions.clear();
      drain(ws);
    },
  };
}


function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function isConnectionParams(value: unknown): value is { method: "connectionParams"; data: Record<string, string | undefined> | null } {
  return typeof value === "object" && value !== null && (value as { method?: unknown }).method === "connectionParams";
}
