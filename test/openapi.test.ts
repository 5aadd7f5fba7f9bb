import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { toOpenApiPath } from "../server/src/http/openapi/index.ts";
import { REST_CASES } from "./security/surface.ts";
import { startTestServer, type TestServer } from "./support/server.ts";

type Json = Record<string, any>;

let server: TestServer;
let doc: Json;

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/openapi.json`);
  expect(res.headers.get("content-type")).toContain("application/json");
  doc = (await res.json()) as Json;
});
afterAll(() => server?.[Symbol.asyncDispose]());

// Formats such as uuid and date-time are checked; refinements zod cannot express (e.g. stream names) are the server's.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const queryAjv = new Ajv2020({ strict: false, coerceTypes: true, validateFormats: false });

function operationOf(method: string, pattern: string): Json | undefined {
  return doc.paths?.[toOpenApiPath(pattern)]?.[method.toLowerCase()];
}

/** The mismatches between a request and its operation: body, path, query and header parameters. */
function requestProblems(op: Json, c: { pattern: string; path: string; body?: unknown; headers?: Record<string, string> }): string[] {
  const problems: string[] = [];
  const url = new URL(c.path, "http://x");
  const values: Record<string, Record<string, string | undefined>> = {
    query: Object.fromEntries(url.searchParams),
    header: Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    path: {},
  };
  const names = [...c.pattern.matchAll(/:([A-Za-z0-9_]+)(?:\{[^}]*\})?/g)].map((m) => m[1]!);
  const parts = url.pathname.split("/");
  c.pattern.split("/").forEach((part, i) => {
    if (part.startsWith(":")) values.path![part.slice(1).replace(/\{.*\}$/, "")] = decodeURIComponent(parts[i] ?? "");
  });
  for (const p of op.parameters ?? []) {
    const value = values[p.in]?.[p.in === "header" ? p.name.toLowerCase() : p.name];
    if (value === undefined) {
      if (p.required) problems.push(`missing ${p.in} parameter ${p.name}`);
      continue;
    }
    if (!queryAjv.validate(p.schema, value)) problems.push(`${p.in} ${p.name}: ${queryAjv.errorsText()}`);
  }
  for (const name of names) if (!(op.parameters ?? []).some((p: Json) => p.in === "path" && p.name === name)) problems.push(`path parameter ${name} undocumented`);
  if (c.body !== undefined) {
    const schema = op.requestBody?.content?.["application/json"]?.schema;
    if (!schema) problems.push("a body is sent but none is documented");
    else if (!ajv.validate(schema, c.body)) problems.push(`body: ${ajv.errorsText()}`);
  }
  return problems;
}

describe("the OpenAPI document at /openapi.json", () => {
  test("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  test("describes every REST route the server serves, each with a summary and the scope it needs", () => {
    const missing = server.surface.routes.filter((r) => !operationOf(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const undocumented = server.surface.routes.filter((r) => operationOf(r.method, r.path)!.summary === "(undocumented)").map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
    for (const c of REST_CASES) {
      const op = operationOf(c.method, c.pattern)!;
      // A read open to anyone that uses a credential when one is sent ("optional") is documented as public;
      // a route open to any credential ("credential") carries need("any").
      const documented = c.need === "public" || c.need === "optional" ? "public" : c.need === "credential" ? "any" : c.need;
      expect(`${c.method} ${c.pattern}: ${op["x-scope"] ?? "public"}`).toBe(`${c.method} ${c.pattern}: ${documented}`);
    }
  });

  test("the requests the authorisation matrix sends, which the server accepts, validate against it", () => {
    const problems = REST_CASES.flatMap((c) => requestProblems(operationOf(c.method, c.pattern)!, c).map((p) => `${c.method} ${c.path}: ${p}`));
    expect(problems).toEqual([]);
  });

  test("each documented example body validates, and is accepted by the server (AUTH_MODE=open)", async () => {
    const examples: Array<[string, string, unknown]> = [];
    for (const [path, ops] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(ops as Json)) {
        const media = (op as Json).requestBody?.content?.["application/json"];
        if (media?.example !== undefined) examples.push([method.toUpperCase(), path, media.example]);
      }
    }
    expect(examples.length).toBeGreaterThan(10);
    for (const [method, path, example] of examples) {
      const op = doc.paths[path][method.toLowerCase()];
      expect(`${method} ${path}: ${ajv.validate(op.requestBody.content["application/json"].schema, example) || ajv.errorsText()}`).toBe(`${method} ${path}: true`);
    }
    // Sent for real where the path has no parameter, the server answers anything but a validation error.
    // Some routes take a real credential even in AUTH_MODE=open (the lobby's writes): send one that may do everything.
    const admin = await server.services.auth.sign("openapi-test", { scopes: ["admin"], ttlSeconds: 600 });
    const concrete = examples.filter(([, path]) => !path.includes("{") && !path.startsWith("/v1/admin/keys"));
    for (const [method, path, example] of concrete) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { "Content-Type": "application/json", "X-User-ID": "u1", "X-Session-ID": "s1", Authorization: `Bearer ${admin}` },
        body: JSON.stringify(example),
      });
      const text = await res.text();
      expect(`${method} ${path}: ${res.status < 400 ? "ok" : text}`).toBe(`${method} ${path}: ok`);
    }
  });

  test("its schemas are the routes' own: a request the server refuses fails against the document too", async () => {
    const op = operationOf("POST", "/v1/journal/player-actions")!;
    const bad = { user_id: "u1", session_id: "s1", action: "goal" };
    expect(ajv.validate(op.requestBody.content["application/json"].schema, bad)).toBe(false);
    const res = await fetch(`${server.url}/v1/journal/player-actions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(bad) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe("match_id");
    const read = operationOf("GET", "/v1/journal/:stream")!;
    expect(requestProblems(read, { pattern: "/v1/journal/:stream", path: "/v1/journal/events:rtapi?count=5000" })[0]).toContain("query count");
  });

  test("the docs page and its assets are served by the binary, with nothing from another host", async () => {
    const page = await (await fetch(`${server.url}/docs`)).text();
    const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.filter((s) => /^(https?:)?\/\//.test(s))).toEqual([]);
    for (const s of sources) expect(`${s}: ${(await fetch(new URL(s, server.url))).status}`).toBe(`${s}: 200`);
  });
});
