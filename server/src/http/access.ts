import type { Context, MiddlewareHandler } from "hono";
import { authorize, type AuthUser, type Identity, type Scope } from "../platform/auth-user.ts";
import { withScope } from "./openapi/describe.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** Set for every request by the app's first middleware (app.ts). */
    identity: Identity;
    /** Set by `need`: the caller allowed to run the route. */
    user: AuthUser;
  }
}

/**
 * A route's requirement: the caller must hold `scope` (`any`: any valid credential; see `authorize`);
 * 401/403 otherwise, before the body is read. The caller is then
 * `c.get("user")`. With `credential`, a real credential is needed even in
 * AUTH_MODE=open (the routes that always took a token).
 */
export function need(scope: Scope | "any", opts: { credential?: boolean } = {}): MiddlewareHandler {
  return withScope(
    async function requireScope(c, next) {
      c.set("user", authorize(c.get("identity"), scope, opts));
      await next();
    },
    scope,
    opts.credential ?? false,
  );
}

/** The identity the app's first middleware found for this request. */
export function identityOf(c: Context): Identity {
  return c.get("identity");
}
