import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  wsLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import { pagedEncoder, pagedWebSocket } from "./paged-websocket.ts";
import type { AppRouter } from "../../server/src/trpc/app-router.ts";

export type { AppRouter };

export interface ClientOptions {
  /** The server's base URL, e.g. `http://localhost:8080`. */
  url: string;
  /** A JWT for authenticated procedures (sent as `Authorization: Bearer`, or as a connection parameter over WebSocket). */
  token?: string;
  /** How subscriptions travel: a WebSocket (default) or Server-Sent Events. */
  subscriptions?: "ws" | "sse";
  /** WebSocket reconnect delay for attempt n, in ms (default: 250 ms doubling up to 5 s). */
  retryDelayMs?: (attempt: number) => number;
}

/** The typed procedure proxy: `client.system.health.query()`. */
export type GameJournalClient = TRPCClient<AppRouter>;

const sockets = new WeakMap<object, ReturnType<typeof createWSClient>>();

/** Closes the client's WebSocket, if it opened one. The client must not be used afterwards. */
export async function closeClient(client: GameJournalClient): Promise<void> {
  await sockets.get(client)?.close();
  sockets.delete(client);
}

/**
 * A typed client for a gamejournal server: `createClient({ url, token })`
 * returns the procedure proxy. Queries and mutations are batched
 * over HTTP; subscriptions use a WebSocket that reconnects by itself and
 * resumes each subscription from the last event id it received, or SSE,
 * which does the same through `Last-Event-ID`. Over WebSocket, replayed
 * events arrive a page per message and are handed on one by one
 * (paged-websocket.ts).
 */
export function createClient(options: ClientOptions): GameJournalClient {
  const base = options.url.replace(/\/+$/, "");
  const headers = (): Record<string, string> => (options.token ? { authorization: `Bearer ${options.token}` } : {});

  let wsClient: ReturnType<typeof createWSClient> | undefined;
  let subscriptionLink;
  if (options.subscriptions === "sse") {
    subscriptionLink = httpSubscriptionLink({
      url: `${base}/trpc`,
      // The platform's EventSource where there is one; the `eventsource` package elsewhere (Node, Bun).
      EventSource: (globalThis as { EventSource?: typeof EventSource }).EventSource ?? EventSource,
      connectionParams: () => (options.token ? { token: options.token } : {}),
    });
  } else {
    wsClient = createWSClient({
      url: `${base.replace(/^http/, "ws")}/trpc`,
      lazy: { enabled: true, closeMs: 0 },
      retryDelayMs: options.retryDelayMs ?? ((attempt) => Math.min(250 * 2 ** attempt, 5_000)),
      keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
      connectionParams: () => (options.token ? { token: options.token } : {}),
      WebSocket: pagedWebSocket(WebSocket),
      experimental_encoder: pagedEncoder as Parameters<typeof createWSClient>[0]["experimental_encoder"],
    });
    subscriptionLink = wsLink({ client: wsClient });
  }

  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: subscriptionLink,
        false: httpBatchLink({ url: `${base}/trpc`, headers }),
      }),
    ],
  });

  if (wsClient) sockets.set(api, wsClient);
  return api;
}
