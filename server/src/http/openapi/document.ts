import type { Hono } from "hono";
import { z } from "zod";
import { routeDocOf, scopeOf, type RouteDoc } from "./describe.ts";

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** The error body every REST route answers with (http/respond.ts). */
export const ErrorBodySchema = z.object({
  success: z.literal(false),
  error: z.string().describe("what is wrong, in one line"),
  code: z.string().describe("VALIDATION, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, TOO_LARGE, UNAVAILABLE, ..."),
  field: z.string().optional().describe("the field at fault, for a 400"),
});

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends it (`io: "input"`). */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12", reused: "inline", cycles: "ref" }) as JsonSchema;
  return json;
}

/** `/v1/journal/:stream` → `/v1/journal/{stream}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/** The names of a Hono path's parameters (`:name`, maybe followed by a `{regex}`). */
function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)(?:\{[^}]*\})?/g)].map((m) => m[1]!);
}

type Route = { method: string; path: string; handler: unknown };

/** Whether a middleware registered at `pattern` (maybe ending in `/*`) runs for `path`. */
function covers(pattern: string, path: string): boolean {
  if (pattern === path || pattern === "*" || pattern === "/*") return true;
  return pattern.endsWith("/*") && path.startsWith(pattern.slice(0, -1));
}

function parameters(doc: RouteDoc, path: string): JsonSchema[] {
  const out: JsonSchema[] = [];
  const paramSchemas = doc.params ? toJsonSchema(doc.params) : undefined;
  for (const name of pathParams(path)) {
    const schema = (paramSchemas?.properties as Record<string, JsonSchema> | undefined)?.[name] ?? { type: "string" };
    out.push({ name, in: "path", required: true, schema });
  }
  for (const [where, schema] of [["query", doc.query], ["header", doc.headers]] as const) {
    if (!schema) continue;
    const json = toJsonSchema(schema);
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((json.properties as Record<string, JsonSchema>) ?? {})) {
      if (where === "query" && pathParams(path).includes(name)) continue;
      const { description, ...rest } = property;
      out.push({ name, in: where, required: required.has(name), schema: rest, ...(description ? { description } : {}) });
    }
  }
  return out;
}

function operation(route: Route, doc: RouteDoc, scope: { scope: string; credential: boolean } | undefined): JsonSchema {
  const error = (description: string) => ({ description, content: { "application/json": { schema: toJsonSchema(ErrorBodySchema, "output") } } });
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    const type = r.contentType ?? "application/json";
    responses[status] = { description: r.description, ...(r.schema ? { content: { [type]: { schema: toJsonSchema(r.schema, "output") } } } : r.contentType ? { content: { [type]: {} } } : {}) };
  }
  const hasInput = !!(doc.params || doc.query || doc.headers || doc.body) || pathParams(route.path).length > 0;
  if (hasInput) responses["400"] ??= error("the request is malformed: the message names the field");
  if (scope) {
    responses["401"] ??= error("no usable credential (or the one sent was refused)");
    responses["403"] ??= error(`the credential lacks the "${scope.scope}" scope`);
  }
  if (doc.body) responses["413"] ??= error("the body is over the size limit");
  const op: JsonSchema = {
    operationId: `${route.method.toLowerCase()}${toOpenApiPath(route.path).replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    parameters: parameters(doc, route.path),
    responses,
  };
  if (doc.body) {
    op.requestBody = {
      required: doc.body.required ?? true,
      ...(doc.body.description ? { description: doc.body.description } : {}),
      content: { [doc.body.contentType ?? "application/json"]: { schema: toJsonSchema(doc.body.schema), ...(doc.body.example !== undefined ? { example: doc.body.example } : {}) } },
    };
  }
  // Public routes declare no security; the others take a bearer token or server key.
  op.security = scope ? [{ bearer: [] }] : [];
  if (scope) op["x-scope"] = scope.scope;
  return op;
}

/**
 * The OpenAPI 3.1 document of every REST route `app` serves: each route's
 * `describeRoute` doc (its schemas converted with `z.toJSONSchema`), its
 * scope from its `need(...)` middleware, and the error answers that follow
 * from them. A route without a doc is listed with a note saying so (the
 * OpenAPI test fails on it), never left out.
 */
export function openApiDocument(app: Hono, info: DocumentInfo): JsonSchema {
  const routes = app.routes as Route[];
  const paths: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const handlers = routes.filter((r) => (r.method === route.method || r.method === "ALL") && covers(r.path, route.path)).map((r) => r.handler);
    const doc = handlers.map(routeDocOf).find(Boolean) ?? { summary: "(undocumented)", tags: ["undocumented"], responses: { 200: { description: "see the README" } } };
    const scope = handlers.map(scopeOf).find(Boolean) ?? (doc.scope ? { scope: doc.scope, credential: false } : undefined);
    (paths[toOpenApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation(route, doc, scope);
  }
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, description: info.description, license: { name: "MIT", identifier: "MIT" } },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "a token (`gamejournal token --scope read`) or a server key (`gjk_…`, `gamejournal key create`); `?token=` works too" },
      },
    },
  };
}
