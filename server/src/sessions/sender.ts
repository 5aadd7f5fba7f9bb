import type { Auth } from "../auth/index.ts";
import { UnauthenticatedError, ValidationError } from "../errors.ts";
import { requestToken } from "../auth/auth.ts";
import type { FrameSender } from "./ingest.ts";
import { nodeIdOf } from "./session-event.ts";

export interface SenderOptions {
  auth: Auth;
  /** true (`/v3/stream`): a request without a token is refused; false (REST POSTs): a token is optional. */
  requireToken: boolean;
}

/**
 * Who sends the frames of `req`, as seeds 001 and 002 name it: the node is
 * `X-Node-ID` (default `default-node`), the user is `X-User-ID`, else the
 * token's subject, else "". The token is read from `Authorization: Bearer`
 * or `?token=`; a token that is present is always verified. Rejects with
 * UnauthenticatedError (401) saying why, or ValidationError (400) naming
 * the header.
 */
export async function senderOf(req: Request, { auth, requireToken }: SenderOptions): Promise<FrameSender> {
  const node = nodeIdOf(req.headers.get("x-node-id"));
  const headerUser = userIdOf(req.headers.get("x-user-id"));
  const token = requestToken(req);
  if (!token && requireToken) {
    throw new UnauthenticatedError("a token is required: send Authorization: Bearer <jwt> or ?token=<jwt>");
  }
  const subject = token ? (await auth.verify(token)).sub : undefined;
  return { node, userId: headerUser ?? subject ?? "" };
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
