import type { Context } from "hono";
import type { z } from "zod";
import { ValidationError } from "../errors.ts";
import { describeIssues } from "./errors.ts";

/** The request body as JSON; a body that is not JSON is a 400 saying so. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") throw new ValidationError("the request body is empty; expected JSON");
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("the request body is not valid JSON");
  }
}

/** Parses `value` with `schema`; a mismatch is a ValidationError naming the first field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { message, field } = describeIssues(result.error.issues);
  throw new ValidationError(message, field);
}

/** One object or an array of them, each parsed with `schema`; errors name the element, e.g. `[2].user_id`. */
export function parseOneOrMany<S extends z.ZodType>(schema: S, value: unknown): Array<z.infer<S>> {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new ValidationError("the request body must be one event or a non-empty array of events; got an empty array", "body");
  return items.map((item, i) => {
    const result = schema.safeParse(item);
    if (result.success) return result.data;
    const { message, field } = describeIssues(result.error.issues);
    const at = `[${i}]${field ? `.${field}` : ""}`;
    if (!Array.isArray(value)) throw new ValidationError(message, field);
    throw new ValidationError(field ? `[${i}].${message}` : `[${i}]: ${message}`, at);
  });
}
