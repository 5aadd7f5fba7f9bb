import type { Access } from "../auth/access.ts";
import type { Identity } from "../platform/auth-user.ts";
import type { Context } from "../platform/rpc.ts";

export type { Context } from "../platform/rpc.ts";

export interface ContextSource {
  /** The HTTP request, or the WebSocket upgrade request. */
  req: Request;
  /** Sent by the client as the first WebSocket message when it has any. */
  connectionParams?: Record<string, string | undefined> | null;
  transport: "http" | "ws";
  disconnect?: (reason: string) => void;
  /** Already determined by the HTTP app for this request. */
  identity?: Identity;
}

export type CreateContext = (source: ContextSource) => Promise<Context>;

/**
 * A context factory. The credential is read from `Authorization: Bearer`,
 * the `token` query parameter or, over WebSocket, the `token` connection
 * parameter (see Access); a refused one leaves `user` null, and procedures
 * that need a credential answer UNAUTHORIZED with the reason.
 */
export function createContextFactory(access: Access): CreateContext {
  return async function createContext({ req, connectionParams, transport, disconnect = () => {}, identity }) {
    const who = identity ?? (await access.identify(req, connectionParams));
    return { identity: who, user: who.user, transport, disconnect };
  };
}
