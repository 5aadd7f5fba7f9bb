import { describe, expect, test } from "bun:test";
import { slotOf } from "../backends/redis-nodes.ts";
import type { AppendWrite } from "./journal.ts";
import { bySlot, mergeSlotOutcomes } from "./redis-slots.ts";

const write = (stream: string, n: number): AppendWrite => ({ stream, event: { type: "t", ts: n, data: n } });

describe("splitting a group commit by cluster slot", () => {
  test("slotOf hashes like Redis Cluster, {tags} included", () => {
    // Values from CLUSTER KEYSLOT on Redis 7.
    expect(slotOf("foo")).toBe(12182);
    expect(slotOf("events:rtapi")).toBe(slotOf("{events:rtapi}:meta"));
    expect(slotOf("lobby:{abc}:events")).toBe(slotOf("abc"));
    expect(slotOf("a{}b")).not.toBe(slotOf("")); // an empty tag hashes the whole key
  });

  test("calls keep their order per slot, and a call's results come back in the order of its writes", () => {
    const calls = [[write("lobby:{a}:events", 1), write("events:rtapi", 2), write("lobby:{a}:events", 3)], [write("events:rtapi", 4)]];
    const parts = bySlot(calls);
    expect(parts).toHaveLength(2);
    const rtapi = parts.find((p) => p.slot === slotOf("events:rtapi"))!;
    expect(rtapi.calls.map((c) => c.map((w) => w.event.ts))).toEqual([[2], [4]]);
    expect(rtapi.origin).toEqual([[0, [1]], [1, [0]]]);
    const outcomes = parts.map((part) => part.calls.map((c) => c.map((w) => ({ stream: w.stream, id: `${w.event.ts}-0`, duplicate: false }))));
    const merged = mergeSlotOutcomes(calls, parts, outcomes);
    expect(merged.map((r) => (r as Array<{ id: string }>).map((x) => x.id))).toEqual([["1-0", "2-0", "3-0"], ["4-0"]]);
  });

  test("a call fails if any of its slots failed; calls in other slots do not", () => {
    const calls = [[write("lobby:{a}:events", 1), write("events:rtapi", 2)], [write("lobby:{b}:events", 3)]];
    const parts = bySlot(calls);
    const outcomes = parts.map((part) =>
      part.slot === slotOf("events:rtapi") ? new Error("CLUSTERDOWN") : part.calls.map((c) => c.map((w) => ({ stream: w.stream, id: "1-0", duplicate: false }))),
    );
    const merged = mergeSlotOutcomes(calls, parts, outcomes);
    expect(merged[0]).toBeInstanceOf(Error);
    expect(merged[1]).toEqual([{ stream: "lobby:{b}:events", id: "1-0", duplicate: false }]);
  });
});
