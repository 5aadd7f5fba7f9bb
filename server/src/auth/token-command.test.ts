import { describe, expect, test } from "bun:test";
import { parseTtl } from "./token-command.ts";

describe("parseTtl", () => {
  test.each([
    ["90", 90],
    ["90s", 90],
    ["30m", 1800],
    ["24h", 86_400],
    ["7d", 604_800],
    [" 2H ", 7200],
  ])("%s is %d seconds", (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  test.each(["", "0", "0h", "-5m", "1.5h", "1w", "soon"])("%p is refused", (text) => {
    expect(() => parseTtl(text)).toThrow(`expected a positive duration such as 30m, 24h or 7d, got "${text}"`);
  });
});
