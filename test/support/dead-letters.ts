import { expect } from "bun:test";
import { EventConsumer } from "../../server/src/journal/event-consumer.ts";
import type { Journal } from "../../server/src/journal/journal.ts";

/**
 * Makes `count` new purchases dead letters: a consumer group whose handler
 * always fails gives up on them after one delivery and moves them to
 * `events:purchases:dlq`. Returns their ids in `events:purchases`.
 */
export async function deadLetterPurchases(journal: Journal, count: number, group = `poison-${crypto.randomUUID().slice(0, 8)}`): Promise<string[]> {
  const appended = await journal.append(
    Array.from({ length: count }, (_, i) => ({ stream: "events:purchases", event: { type: "purchase", user_id: `u${i}`, ts: Date.now(), data: { sku: `sku-${i}` } } })),
  );
  const ids = appended.map((r) => r.id!);
  // Start the group just before our entries, so it gives up on ours only.
  await journal.createGroup("events:purchases", group, prevId(ids[0]!));
  const consumer = new EventConsumer(journal, group, "c1", { maxDeliveries: 1, retryDelayMs: 1, blockMs: 10 });
  let moved = 0;
  for (let round = 0; round < 50 && moved < count; round++) {
    const result = await consumer.consume("events:purchases", 10, () => {
      throw new Error("the shop's database refused it");
    });
    moved += result.deadLettered;
  }
  expect(moved).toBe(count);
  return ids;
}

function prevId(id: string): string {
  const [ms, seq] = id.split("-").map(Number) as [number, number];
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-999999`;
}
