import { describe, expect, test } from "bun:test";
import { partitionGroup, partitionOf } from "./partition.ts";

describe("match partitions", () => {
  test("a match id always lands in the same partition, fixed across versions", () => {
    // Pinned values: changing the hash would route live matches to a second folder.
    expect(partitionOf("", 8)).toBe(0x811c9dc5 % 8);
    expect(partitionOf("a", 8)).toBe(0xe40c292c % 8);
    expect(partitionOf("foobar", 1000)).toBe(0xbf9cf968 % 1000);
    expect(partitionOf("4f0f7a44-0cb4-4a8e-9a6b-5f2f6a0f1e2d.default-node", 1)).toBe(0);
  });

  test("spreads uuid match ids evenly enough over 8 partitions", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[partitionOf(`${crypto.randomUUID()}.default-node`, 8)]++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
  });

  test("refuses a count that is not a positive integer; one partition keeps the original group name", () => {
    expect(() => partitionOf("m", 0)).toThrow("count must be a positive integer");
    expect(() => partitionOf("m", 1.5)).toThrow("count must be a positive integer");
    expect(partitionGroup("match-summaries", 0, 1)).toBe("match-summaries");
    expect(partitionGroup("match-summaries", 3, 8)).toBe("match-summaries-p3of8");
  });
});
