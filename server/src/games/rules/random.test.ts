import { describe, expect, test } from "bun:test";
import { seededRandom, shuffle } from "./random.ts";

describe("seeded randomness", () => {
  test("the same seed gives the same numbers; another seed other numbers", () => {
    const take = (seed: string | number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 5 }, () => r());
    };
    expect(take("abc")).toEqual(take("abc"));
    expect(take(42)).toEqual(take("42"));
    expect(take("abc")).not.toEqual(take("abd"));
    for (const x of take("range")) expect(x >= 0 && x < 1).toBe(true);
  });

  test("the sequence is fixed across versions (a recorded game deals the same cards)", () => {
    const r = seededRandom("century");
    expect(Array.from({ length: 3 }, () => Math.floor(r() * 1e6))).toEqual([732756, 537312, 530747]);
  });

  test("shuffle is a permutation, does not touch its input, and is roughly uniform", () => {
    const list = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffle(seededRandom(1), list);
    expect(list).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort()).toEqual(list);
    const r = seededRandom("uniform");
    const firsts = new Array(4).fill(0);
    for (let i = 0; i < 8000; i++) firsts[shuffle(r, [0, 1, 2, 3])[0]!]++;
    for (const n of firsts) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });
});
