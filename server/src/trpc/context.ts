import { requestToken, type Auth } from "../auth/auth.ts";
import type { Context } from "../platform/rpc.ts";

export type { Context } from "../platform/rpc.ts";

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
 * A context factory. The token is read from `Authorization: Bearer`, the
 * `token` query parameter or, over WebSocket, the `token` connection
 * parameter; a bad token leaves `user` null and authenticated procedures
 * answer UNAUTHORIZED with the reason.
 */
export function createContextFactory(auth: Auth): CreateContext {
  return async function createContext({ req, connectionParams, transport, disconnect = () => {} }) {
    const token = requestToken(req, connectionParams);
    const user = token ? await auth.verify(token).catch(() => null) : null;
    return { user, transport, disconnect };
  };
}
