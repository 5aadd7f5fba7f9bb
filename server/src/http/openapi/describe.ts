import type { MiddlewareHandler } from "hono";
import type { z } from "zod";

/**
 * What a REST route tells the OpenAPI document about itself, next to its
 * handler: the same zod schemas the handler parses its input with (params,
 * query, headers, body), so the document cannot drift from what is
 * accepted. The route's scope comes from its `need(...)` middleware.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Groups operations in the docs page (e.g. `journal`, `admin`). */
  tags: string[];
  /** Path parameters; unnamed ones are documented as plain strings. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (documented as header parameters). */
  headers?: z.ZodObject;
  body?: { schema: z.ZodType; description?: string; contentType?: string; required?: boolean; example?: unknown };
  /** The scope, for a route that checks its caller itself rather than through `need(...)` (e.g. the frame routes). */
  scope?: string;
  /** Success answers by status (errors are added from the route's inputs and scope). */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const DOC = Symbol.for("gamejournal.openapi.route");

/** Attaches `doc` to a route: a middleware that does nothing at run time but carry it for `openApiDocument`. */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  const documented: MiddlewareHandler = async function documentedRoute(_c, next) {
    await next();
  };
  return Object.assign(documented, { [DOC]: doc });
}

/** The doc a handler carries, if it is a `describeRoute` middleware. */
export function routeDocOf(handler: unknown): RouteDoc | undefined {
  return (handler as { [DOC]?: RouteDoc } | undefined)?.[DOC];
}

const SCOPE = Symbol.for("gamejournal.openapi.scope");

/** Marks an access middleware with the scope it requires (see http/access.ts). */
export function withScope<H extends MiddlewareHandler>(handler: H, scope: string, credential: boolean): H {
  return Object.assign(handler, { [SCOPE]: { scope, credential } });
}

export function scopeOf(handler: unknown): { scope: string; credential: boolean } | undefined {
  return (handler as { [SCOPE]?: { scope: string; credential: boolean } } | undefined)?.[SCOPE];
}
