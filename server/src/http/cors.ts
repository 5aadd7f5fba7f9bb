import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** Request headers a browser page may send (the seeds' headers, tokens, SSE resume, tRPC). */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Last-Event-ID", "X-User-ID", "X-Session-ID", "X-Node-ID", "Idempotency-Key", "trpc-accept"];

/**
 * CORS for the web pages of `origins` (`CORS_ORIGINS`; `*` for any):
 * preflights are answered, and answers to an allowed origin carry
 * `Access-Control-Allow-Origin`. Never with credentials: the API takes
 * tokens in a header, not cookies, so a page elsewhere cannot borrow a
 * user's session. With no origins (the default), no CORS header is sent at
 * all and a browser keeps other origins' pages out.
 */
export function crossOrigin(origins: readonly string[]): MiddlewareHandler {
  if (origins.length === 0) {
    return async function sameOriginOnly(_c, next) {
      await next();
    };
  }
  const any = origins.includes("*");
  return cors({
    origin: any ? "*" : (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: ["Retry-After"],
    maxAge: 600,
    credentials: false,
  });
}
