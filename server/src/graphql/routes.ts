import { Hono, type Context, type Next } from "hono";
import { identityOf, need } from "../http/access.ts";
import type { Identity } from "../platform/auth-user.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { z } from "zod";
import { GRAPHQL_PATHS } from "./create-graphql.ts";

const readAccess = need("read");
const tags = ["graphql"];
const GraphQLRequestSchema = z.object({
  query: z.string().describe("the GraphQL document"),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});
const GraphQLQuerySchema = z.object({
  query: z.string().optional().describe("the GraphQL document; without it a browser gets GraphiQL (public)"),
  variables: z.string().optional().describe("JSON"),
  operationName: z.string().optional(),
});
const answer = { 200: { description: "`{data, errors?}` (GraphQL over HTTP)" } };

/**
 * Serves a `createGraphQL` handler on every path of GRAPHQL_PATHS, GET
 * (GraphiQL, queries) and POST. The GraphiQL page (a GET without `query`) is
 * public; an operation needs the `read` scope, and a mutation checks its own
 * needs in its resolver (the caller's identity is in the context).
 */
export function graphqlRoutes(handle: (req: Request, identity: Identity) => Promise<Response>): Hono {
  const app = new Hono();
  const getDoc = describeRoute({
    summary: "GraphQL query in the URL, or GraphiQL (served locally) for a browser",
    tags,
    scope: "read",
    query: GraphQLQuerySchema,
    responses: { ...answer, 200: { description: "`{data, errors?}`, or GraphiQL's page (text/html) without `query`" } },
  });
  const postDoc = describeRoute({ summary: "GraphQL operation (lobbySession, sessionEvents, matchSummary, health, storeSessionEvent, ...)", tags, scope: "read", body: { schema: GraphQLRequestSchema, example: { query: "{ health { status } }" } }, responses: answer });
  const serve = async function serveGraphQL(c: Context, next: Next) {
    if (c.req.method === "GET" && c.req.query("query") === undefined) return handle(c.req.raw, identityOf(c));
    let response: Response | undefined;
    await readAccess(c, async () => {
      response = await handle(c.req.raw, identityOf(c));
    });
    return response ?? next();
  };
  app.on("GET", [...GRAPHQL_PATHS], getDoc, serve);
  app.on("POST", [...GRAPHQL_PATHS], postDoc, serve);
  return app;
}
