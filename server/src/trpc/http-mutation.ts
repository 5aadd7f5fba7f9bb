import { getErrorShape, getTRPCErrorFromUnknown, type AnyTRPCProcedure, type AnyTRPCRouter, type TRPCError } from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { Context } from "../platform/rpc.ts";

export interface TrpcMutationCallOptions {
  router: AnyTRPCRouter;
  createContext: () => Promise<Context>;
  onError: (opts: { error: TRPCError; path: string }) => void;
}

/**
 * One tRPC mutation over HTTP answered without tRPC's fetch adapter: the
 * hot ingest calls (`POST /trpc/journal.playerAction`, one call a request,
 * or a batch of one as `httpBatchLink` sends it). The adapter's generic
 * request handling (content-type handlers, batching, streaming, response
 * meta, several abort signals) costs about 20 µs a call on this stack, more
 * than the mutation itself; this path does only what a single mutation
 * needs.
 *
 * It answers exactly what the adapter answers (same body, status and
 * headers; the procedure, its middlewares and input validation run through
 * tRPC itself) and handles only what it can: a JSON POST to a mutation path,
 * unbatched or a batch of one, with no streaming accept header. For anything
 * else it returns undefined before reading the body, and the caller hands the
 * request to the adapter; a body that is not valid JSON goes there too (as a
 * fresh request with the same text), so the adapter's parse error is answered.
 */
export async function callTrpcMutation(req: Request, endpoint: string, opts: TrpcMutationCallOptions): Promise<Response | Request | undefined> {
  if (req.method !== "POST" || !isJson(req.headers.get("content-type")) || req.headers.has("trpc-accept")) return undefined;
  const url = new URL(req.url);
  const path = procedurePath(url.pathname, endpoint);
  if (path === undefined || path.includes(",") || url.searchParams.has("connectionParams")) return undefined;
  const batch = url.searchParams.get("batch");
  if (batch !== null && batch !== "1") return undefined;
  const procedure = (opts.router._def.procedures as Record<string, AnyTRPCProcedure | undefined>)[path];
  if (!procedure || procedure._def.type !== "mutation") return undefined;
  if (req.headers.get("accept")?.includes("application/jsonl")) return undefined;

  const text = await req.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return new Request(req, { body: text });
  }
  if (batch === "1" && body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) return new Request(req, { body: text });
  const input = batch === "1" ? (body as Record<string, unknown> | undefined)?.["0"] : body;

  let res: { result: { data: unknown } } | { error: unknown };
  let error: TRPCError | undefined;
  let ctx: Context | undefined;
  try {
    ctx = await opts.createContext();
    res = { result: { data: await procedure({ path, getRawInput: async () => input, ctx, type: "mutation", signal: req.signal, batchIndex: 0 }) } };
  } catch (cause) {
    error = getTRPCErrorFromUnknown(cause);
    opts.onError({ error, path });
    res = { error: getErrorShape({ config: opts.router._def._config, ctx, error, input, path, type: "mutation" }) };
  }
  const json = batch === "1" ? [res] : res;
  return new Response(JSON.stringify(json), {
    status: getHTTPStatusCode([res] as Parameters<typeof getHTTPStatusCode>[0], error ? [error] : []),
    headers: { vary: "trpc-accept, accept", "content-type": "application/json" },
  });
}

/** `/trpc/journal.playerAction` → `journal.playerAction`; undefined for what the adapter should judge. */
function procedurePath(pathname: string, endpoint: string): string | undefined {
  if (!pathname.startsWith(`${endpoint}/`)) return undefined;
  try {
    return decodeURIComponent(pathname.slice(endpoint.length + 1));
  } catch {
    return undefined;
  }
}

/** The adapter's test: the media type, case-insensitive, before any parameters. */
function isJson(contentType: string | null): boolean {
  return contentType?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";
}
