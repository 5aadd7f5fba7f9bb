import { describe, expect, test } from "bun:test";
import { checkJsonLimits, type JsonLimits } from "./json-limits.ts";

const limits: JsonLimits = { maxDepth: 4, maxStringBytes: 10, maxKeys: 3 };
const both = (text: string) => [text, new TextEncoder().encode(text)] as const;

describe("checkJsonLimits", () => {
  test("passes JSON within the limits, and text that is not JSON at all", () => {
    for (const text of ['{"a":[1,{"b":"0123456789"}],"c":null}', "PING", "", '"\\"\\\\"', '[[["x"]]]']) {
      for (const input of both(text)) expect(() => checkJsonLimits(input, limits)).not.toThrow();
    }
  });

  test("refuses nesting past the depth without recursing, naming JSON_MAX_DEPTH", () => {
    const deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
    for (const input of both(deep)) expect(() => checkJsonLimits(input, limits)).toThrow(/JSON_MAX_DEPTH/);
    expect(() => checkJsonLimits('{"a":{"b":{"c":{"d":{}}}}}', limits)).toThrow(/deeper than the limit of 4/);
  });

  test("refuses a long string, key or value, in bytes, naming JSON_MAX_STRING_BYTES", () => {
    for (const text of ['{"01234567890":1}', '["01234567890"]', '["ééééé£"]']) {
      for (const input of both(text)) expect(() => checkJsonLimits(input, limits)).toThrow(/JSON_MAX_STRING_BYTES/);
    }
    // Escaped quotes do not end a string.
    expect(() => checkJsonLimits('["\\"\\"\\"\\"\\"\\""]', limits)).toThrow(/JSON_MAX_STRING_BYTES/);
  });

  test("counts keys per object, not colons inside strings or in other objects", () => {
    expect(() => checkJsonLimits('{"a":1,"b":2,"c":3,"d":4}', limits)).toThrow(/JSON_MAX_KEYS/);
    expect(() => checkJsonLimits('{"a":"::::","b":{"x":1,"y":2,"z":3},"c":[{"q":1}]}', limits)).not.toThrow();
  });
});
