import { describe, expect, test } from "bun:test";
import { ValidationError } from "../errors.ts";
import { isGameId, newGameId, toGameId, ulid } from "./ids.ts";

describe("ids", () => {
  test("a ULID encodes the clock's ms in its first 10 characters and random bits in the last 16", () => {
    const zeros = ulid({ now: () => 0 }, (b) => b.fill(0));
    expect(zeros).toBe("0".repeat(26));
    const ones = ulid({ now: () => 2 ** 48 - 1 }, (b) => b.fill(255));
    expect(ones).toBe("7ZZZZZZZZZ" + "Z".repeat(16));
    expect(ulid({ now: () => 1469918176385 }, (b) => b.fill(0)).slice(0, 10)).toBe("01ARYZ6S41");
    const a = ulid({ now: () => 1_000 });
    const b = ulid({ now: () => 1_001 });
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => ulid({ now: () => 5 }))).size).toBe(1000);
  });

  test("game ids are game-<ULID> when made here, and any game-<word> is accepted", () => {
    expect(isGameId(newGameId({ now: () => 1_735_732_800_000 }))).toBe(true);
    for (const ok of ["game-1", "game-01ARYZ6S41TSV4RRFFQ69G5FAV", "game-a_b-c"]) expect(isGameId(ok)).toBe(true);
    for (const bad of ["", "game-", "game", "Game-1", "game- 1", "game-1 ", "user-1", "game-" + "a".repeat(65), 7, null]) expect(isGameId(bad)).toBe(false);
    expect(() => toGameId("x", "gameId")).toThrow(ValidationError);
  });
});
