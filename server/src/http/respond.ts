import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../log.ts";
import { describeError } from "./errors.ts";

/**
 * The JSON error answer of every REST route:
 * `{"success": false, "error": "<what is wrong>", "code": "...", "field"?: "..."}`.
 */
export function errorResponse(c: Context, error: unknown, logger?: Logger): Response {
  const described = describeError(error);
  if (described.status >= 500) logger?.error({ err: error, path: c.req.path }, "request failed");
  return c.json(
    { success: false, error: described.message, code: described.publicCode ?? described.code, ...(described.field ? { field: described.field } : {}) },
    described.status as ContentfulStatusCode,
  );
}
