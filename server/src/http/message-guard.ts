import { TooLargeError } from "../errors.ts";
import { checkJsonLimits, type JsonLimits } from "./json-limits.ts";

/**
 * Why a socket message must be refused before its endpoint parses it, or
 * undefined: over `maxBytes` (the endpoint's limit, else
 * `WS_MAX_MESSAGE_BYTES`, which Bun enforces while reading), or outside the
 * JSON limits (`checkJsonLimits`). The same checks as an HTTP body's.
 */
export function messageRefusal(message: string | Uint8Array, maxBytes: number, json: JsonLimits): Error | undefined {
  const bytes = typeof message === "string" ? Buffer.byteLength(message) : message.length;
  if (bytes > maxBytes) return new TooLargeError(`the message is ${bytes} bytes, over the limit of ${maxBytes}`);
  try {
    checkJsonLimits(message, json);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
