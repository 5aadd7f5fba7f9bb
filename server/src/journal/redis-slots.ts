import { slotOf } from "../backends/redis-nodes.ts";
import type { AppendResult, AppendWrite } from "./journal.ts";

/**
 * Splitting a group commit by Redis Cluster hash slot: a script's keys must
 * all be in one slot, so each slot gets its own script call. Within a slot
 * calls keep their order, and each call's writes theirs.
 */
export interface SlotPart {
  slot: number;
  /** The writes of each call that fall in this slot, calls in their order. */
  calls: AppendWrite[][];
  /** For each of those: the call's index in the group and the indices of its writes. */
  origin: Array<[call: number, writes: number[]]>;
}

/** The group's writes grouped by the slot of their stream (idempotency and meta keys share it). */
export function bySlot(calls: ReadonlyArray<readonly AppendWrite[]>): SlotPart[] {
  const parts = new Map<number, SlotPart>();
  calls.forEach((writes, c) => {
    const perSlot = new Map<number, number[]>();
    writes.forEach((write, i) => {
      const slot = slotOf(write.stream);
      const indices = perSlot.get(slot);
      if (indices) indices.push(i);
      else perSlot.set(slot, [i]);
    });
    for (const [slot, indices] of perSlot) {
      let part = parts.get(slot);
      if (!part) parts.set(slot, (part = { slot, calls: [], origin: [] }));
      part.calls.push(indices.map((i) => writes[i]!));
      part.origin.push([c, indices]);
    }
  });
  return [...parts.values()];
}

/**
 * Each call's results put back together from its slots' outcomes, in the
 * order of its writes. A call fails (with the first error met) if any of its
 * slots failed; its writes in the other slots are stored all the same.
 */
export function mergeSlotOutcomes(
  calls: ReadonlyArray<readonly AppendWrite[]>,
  parts: readonly SlotPart[],
  outcomes: ReadonlyArray<Array<AppendResult[] | Error> | Error>,
): Array<AppendResult[] | Error> {
  const merged: Array<AppendResult[] | Error> = calls.map((writes) => new Array<AppendResult>(writes.length));
  parts.forEach((part, p) => {
    const outcome = outcomes[p]!;
    part.origin.forEach(([c, indices], k) => {
      if (merged[c] instanceof Error) return;
      const results = outcome instanceof Error ? outcome : (outcome[k] ?? new Error("group commit: no result for this slot"));
      if (results instanceof Error) {
        merged[c] = results;
        return;
      }
      const into = merged[c] as AppendResult[];
      indices.forEach((i, j) => (into[i] = results[j]!));
    });
  });
  return merged;
}
