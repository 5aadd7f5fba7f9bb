import type { MiddlewareHandler } from "hono";
import "../../server/src/http/access.ts";
import { ANONYMOUS, type Identity } from "../../server/src/platform/auth-user.ts";

/** What the app's first middleware sets, for routes mounted on a bare Hono app: here the caller of AUTH_MODE=open. */
export function asIdentity(identity: Identity = { user: ANONYMOUS, mode: "open" }): MiddlewareHandler {
  return async function fixedIdentity(c, next) {
    c.set("identity", identity);
    await next();
  };
}
