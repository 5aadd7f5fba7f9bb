import { requestToken } from "../auth/auth.ts";
import type { Services } from "../services.ts";

/** Who is calling, once a token has been verified. */
export interface AuthUser {
  /** The token's subject (`sub`). */
  readonly sub: string;
}

/** What every procedure sees. Built per HTTP request, per WebSocket connection. */
export interface Context {
  readonly services: Services;
  readonly user: AuthUser | null;
  /** How the call arrived: HTTP (queries, mutations, SSE subscriptions) or a WebSocket. */
  readonly transport: "http" | "ws";
  /**
   * Drops the connection the call arrived on, with a reason (a WebSocket
   * closes with 4008; an SSE stream is cut). Live feeds use it for a
   * subscriber that stopped reading.
   */
  readonly disconnect: (reason: string) => void;
}

export interface ContextSource {
  /** The HTTP request, or the WebSocket upgrade request. */
  req: Request;
  /** Sent by the client as the first WebSocket message when it has any. */
  connectionParams?: Record<string, string | undefined> | null;
  transport: "http" | "ws";
  disconnect?: (reason: string) => void;
}

export type CreateContext = (source: ContextSource) => Promise<Context>;

/**
 * A context factory over the server's services. The token is read from
 * `Authorization: Bearer`, the `token` query parameter or, over WebSocket,
 * the `token` connection parameter; a bad token leaves `user` null and
 * authenticated procedures answer UNAUTHORIZED with the reason.
 */
export function createContextFactory(services: Services): CreateContext {
  return async function createContext({ req, connectionParams, transport, disconnect = () => {} }) {
    const token = requestToken(req, connectionParams);
    const user = token ? await services.auth.verify(token).catch(() => null) : null;
    return { services, user, transport, disconnect };
  };
}
