import { Hono } from "hono";
import { GRAPHQL_PATHS } from "./create-graphql.ts";

/** Serves a `createGraphQL` handler on every path of GRAPHQL_PATHS, GET (GraphiQL, queries) and POST. */
export function graphqlRoutes(handle: (req: Request) => Promise<Response>): Hono {
  const app = new Hono();
  app.on(["GET", "POST"], [...GRAPHQL_PATHS], function serveGraphQL(c) {
    return handle(c.req.raw);
  });
  return app;
}
