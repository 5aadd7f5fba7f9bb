import { ValidationError } from "../errors.ts";
import { assertActsAs, authorize, principalOf, type Identity } from "../platform/auth-user.ts";
import type { FrameSender } from "./ingest.ts";
import { nodeIdOf } from "./session-event.ts";

export interface SenderOptions {
  /** true (`/v3/stream`): a request without a credential is refused even in AUTH_MODE=open; false (REST POSTs): only in token mode. */
  requireToken: boolean;
}

/**
 * Who sends the frames of a request, as seeds 001 and 002 name it: the node
 * is `X-Node-ID` (default `default-node`), the user is `X-User-ID`, else the
 * credential's subject, else "". A credential that is sent is always
 * checked. In AUTH_MODE=token the caller needs one, and without the `ingest`
 * scope `X-User-ID` can only be its own subject (the header is data, never
 * identity). Rejects with UnauthenticatedError (401) or ForbiddenError (403)
 * saying why, or ValidationError (400) naming the header.
 */
export function senderOf(req: Request, identity: Identity, { requireToken }: SenderOptions): FrameSender {
  const node = nodeIdOf(req.headers.get("x-node-id"));
  const headerUser = userIdOf(req.headers.get("x-user-id"));
  const user = authorize(identity, "any", { credential: requireToken });
  const userId = headerUser ?? (user.via === "open" ? "" : user.sub);
  assertActsAs(identity, user, [userId], "X-User-ID");
  const principal = principalOf(user);
  return { node, userId, ...(principal ? { principal } : {}) };
}

/** An `X-User-ID` value, trimmed; undefined when absent or blank. */
function userIdOf(header: string | null): string | undefined {
  const user = header?.trim() ?? "";
  if (user === "") return undefined;
  if (user.length > 256 || /[\u0000-\u001f]/.test(user)) {
    throw new ValidationError("X-User-ID: must be at most 256 characters without control characters", "X-User-ID");
  }
  return user;
}
