import { getErrorShape, getTRPCErrorFromUnknown, type AnyTRPCProcedure, type AnyTRPCRouter, type TRPCError } from "@trpc/server";
import { parseConnectionParamsFromString } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { feedSse, socketStepsOf, trpcSseFormat } from "../platform/live-feed/index.ts";
import type { Context } from "../platform/rpc.ts";
import type { ContextSource } from "./context.ts";

export interface TrpcSubscriptionCallOptions {
  router: AnyTRPCRouter;
  createContext: (source: Omit<ContextSource, "req">) => Promise<Context>;
  onError: (opts: { error: TRPCError; path: string }) => void;
  /** After a cut (a subscriber too far behind): log it, and drop the connection shortly if the peer is not reading. */
  onCut?: (reason: string) => void;
}

/**
 * A tRPC subscription over SSE (`httpSubscriptionLink`) whose procedure
 * returns a live feed, answered without tRPC's SSE producer: the feed is
 * written by `feedSse` in tRPC's SSE format, so its backlog goes out a page
 * per chunk and, once caught up, each live batch is serialised once per
 * process and the same bytes are queued on every joined stream (see
 * platform/live-feed/sse.ts). tRPC's producer runs a chain of generators and
 * a re-serialisation of the event for every subscriber and every event.
 *
 * What the client reads is the same: the `connected` event with the client
 * options, each item as `data` and `id`, `ping` events at the configured
 * interval, `return` when the feed ends, `serialized-error` with the error's
 * shape when it fails or the subscriber is cut (TOO_MANY_REQUESTS).
 *
 * It handles a GET of a subscription path only, reads the input, the last
 * event id and the connection params as tRPC does, and calls the procedure
 * through tRPC (middlewares, input validation). When that fails, or the
 * procedure returns anything but a live feed, the call is stopped and
 * undefined is returned before any byte is sent: the caller hands the
 * request to tRPC's adapter, which calls the procedure again and answers as
 * it always does (subscription procedures start nothing before they are
 * iterated, so a second call is harmless).
 */
export async function callTrpcSubscription(req: Request, endpoint: string, opts: TrpcSubscriptionCallOptions): Promise<Response | undefined> {
  if (req.method !== "GET") return undefined;
  const url = new URL(req.url);
  if (!url.pathname.startsWith(`${endpoint}/`) || url.searchParams.get("batch") === "1") return undefined;
  let path: string;
  let input: unknown;
  let connectionParams: Record<string, string> | null = null;
  try {
    path = decodeURIComponent(url.pathname.slice(endpoint.length + 1));
    const text = url.searchParams.get("input");
    input = text ? JSON.parse(text) : undefined;
    const params = url.searchParams.get("connectionParams");
    if (params !== null) connectionParams = parseConnectionParamsFromString(params) as Record<string, string>;
  } catch {
    return undefined;
  }
  const procedure = (opts.router._def.procedures as Record<string, AnyTRPCProcedure | undefined>)[path];
  if (!procedure || procedure._def.type !== "subscription") return undefined;
  // As tRPC: the last event id (a reconnecting EventSource sends it as a header) joins the input.
  const lastEventId = req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? url.searchParams.get("Last-Event-Id");
  if (lastEventId) {
    if (typeof input === "object" && input !== null && !Array.isArray(input)) input = { ...input, lastEventId };
    else input ??= { lastEventId };
  }

  const config = opts.router._def._config;
  const sse = (config.sse ?? {}) as { ping?: { enabled?: boolean; intervalMs?: number }; client?: object; maxDurationMs?: number };
  if (sse.maxDurationMs) return undefined; // a limit this path does not implement: tRPC's own producer applies it
  let ctx: Context | undefined;
  const formatError = (cause: unknown) => {
    const error = getTRPCErrorFromUnknown(cause);
    opts.onError({ error, path });
    return getErrorShape({ config, ctx, error, input, path, type: "subscription" });
  };
  let called = false;
  const stopped = new AbortController();
  try {
    return await feedSse(
      async ({ signal, disconnect }) => {
        ctx = await opts.createContext({ connectionParams, transport: "http", disconnect });
        const stop = AbortSignal.any([signal, stopped.signal]);
        const result: unknown = await procedure({ path, getRawInput: async () => input, ctx, type: "subscription", signal: stop, batchIndex: 0 });
        called = true;
        if (!socketStepsOf(result)) {
          stopped.abort();
          throw new NotAFeed(result);
        }
        return result as AsyncIterable<never>;
      },
      {
        signal: req.signal,
        format: trpcSseFormat(sse.client ?? {}),
        ...(sse.ping?.enabled && sse.ping.intervalMs ? { pingMs: sse.ping.intervalMs } : { pingMs: 2 ** 31 - 1 }),
        errorData: formatError,
        // A last event the tRPC client reads as an error, in case the peer is slow rather than stuck.
        cutData: (reason) => ({ message: reason, code: TRPC_ERROR_CODES_BY_KEY.TOO_MANY_REQUESTS, data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } }),
        ...(opts.onCut ? { onCut: opts.onCut } : {}),
        headers: { "Cache-Control": "no-cache, no-transform", vary: "trpc-accept, accept" },
      },
    );
  } catch (error) {
    stopped.abort();
    if (called && error instanceof NotAFeed) void stopIterable(error.result);
    return undefined;
  }
}

class NotAFeed extends Error {
  constructor(readonly result: unknown) {
    super("the subscription did not return a live feed");
  }
}

/** Ends an iterable the procedure returned and that is not used. */
async function stopIterable(result: unknown): Promise<void> {
  if (typeof result === "object" && result !== null && Symbol.asyncIterator in result) {
    const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    await Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
