import { TooLargeError, ValidationError } from "../errors.ts";

/** The structural limits every JSON body and socket message is checked against before it is parsed. */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects (`JSON_MAX_DEPTH`). */
  maxDepth: number;
  /** Longest string, key or value, in bytes as sent (`JSON_MAX_STRING_BYTES`). */
  maxStringBytes: number;
  /** Most keys in one object (`JSON_MAX_KEYS`). */
  maxKeys: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxStringBytes: 65_536, maxKeys: 1_000 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

/**
 * Measures a JSON text (the bytes of a body, or a socket's text message)
 * against `limits` in one pass, with no recursion and no allocation beyond a
 * counter per open container, and throws for the first limit it exceeds:
 * ValidationError (400) for the depth and the keys of an object,
 * TooLargeError (413) for a string, each naming its setting.
 *
 * It does not check the syntax (the parser that runs next does): text that
 * is not JSON passes, and a key is counted at each `:` met directly inside
 * an object. Strings are skipped with `indexOf`. It costs a few
 * milliseconds a megabyte, beside a parse it keeps from running on hostile
 * input.
 */
export function checkJsonLimits(input: Uint8Array | string, limits: JsonLimits): void {
  if (typeof input === "string") scanText(input, limits);
  else scanBytes(input, limits);
}

/** Per open container: -1 for an array, else the keys seen so far in that object. */
class Containers {
  private readonly keys: number[] = [];
  constructor(private readonly limits: JsonLimits) {}

  open(c: number): void {
    this.keys.push(c === OPEN_BRACE ? 0 : -1);
    if (this.keys.length > this.limits.maxDepth) {
      throw new ValidationError(`JSON nesting is deeper than the limit of ${this.limits.maxDepth} (JSON_MAX_DEPTH)`, "JSON_MAX_DEPTH");
    }
  }

  close(): void {
    this.keys.pop();
  }

  key(): void {
    const top = this.keys.length - 1;
    if (top < 0 || this.keys[top]! < 0) return;
    if (++this.keys[top]! > this.limits.maxKeys) {
      throw new ValidationError(`a JSON object has more than ${this.limits.maxKeys} keys, the limit (JSON_MAX_KEYS)`, "JSON_MAX_KEYS");
    }
  }

  string(bytes: number): void {
    if (bytes > this.limits.maxStringBytes) {
      throw new TooLargeError(`a JSON string is ${bytes} bytes, over the limit of ${this.limits.maxStringBytes} (JSON_MAX_STRING_BYTES)`);
    }
  }
}

function isStructural(c: number): boolean {
  return c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON;
}

function scanBytes(bytes: Uint8Array, limits: JsonLimits): void {
  const containers = new Containers(limits);
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c > CLOSE_BRACE || !isStructural(c)) continue;
    if (c === QUOTE) {
      let end = n;
      for (let from = i + 1; ; ) {
        const q = bytes.indexOf(QUOTE, from);
        if (q < 0) break;
        // Escaped when an odd number of backslashes precede it.
        let slashes = 0;
        for (let k = q - 1; k > i && bytes[k] === BACKSLASH; k--) slashes++;
        if (slashes % 2 === 0) {
          end = q;
          break;
        }
        from = q + 1;
      }
      containers.string(end - i - 1);
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) containers.open(c);
    else if (c === COLON) containers.key();
    else containers.close();
  }
}

function scanText(text: string, limits: JsonLimits): void {
  const containers = new Containers(limits);
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > CLOSE_BRACE || !isStructural(c)) continue;
    if (c === QUOTE) {
      let end = n;
      for (let from = i + 1; ; ) {
        const q = text.indexOf('"', from);
        if (q < 0) break;
        let slashes = 0;
        for (let k = q - 1; k > i && text.charCodeAt(k) === BACKSLASH; k--) slashes++;
        if (slashes % 2 === 0) {
          end = q;
          break;
        }
        from = q + 1;
      }
      const units = end - i - 1;
      // A UTF-16 unit is at most 3 bytes of UTF-8: only a long string is measured.
      containers.string(units * 3 <= limits.maxStringBytes ? units : Buffer.byteLength(text.slice(i + 1, end)));
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) containers.open(c);
    else if (c === COLON) containers.key();
    else containers.close();
  }
}
