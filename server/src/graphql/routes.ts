import { Hono } from "hono";
import { identityOf, need } from "../http/access.ts";
import type { Identity } from "../platform/auth-user.ts";
import { GRAPHQL_PATHS } from "./create-graphql.ts";

const readAccess = need("read");

/**
 * Serves a `createGraphQL` handler on every path of GRAPHQL_PATHS, GET
 * (GraphiQL, queries) and POST. The GraphiQL page (a GET without `query`) is
 * public; an operation needs the `read` scope, and a mutation checks its own
 * needs in its resolver (the caller's identity is in the context).
 */
export function graphqlRoutes(handle: (req: Request, identity: Identity) => Promise<Response>): Hono {
  const app = new Hono();
  app.on(["GET", "POST"], [...GRAPHQL_PATHS], async function serveGraphQL(c, next) {
    if (c.req.method === "GET" && c.req.query("query") === undefined) return handle(c.req.raw, identityOf(c));
    let response: Response | undefined;
    await readAccess(c, async () => {
      response = await handle(c.req.raw, identityOf(c));
    });
    return response ?? next();
  });
  return app;
}
