import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import { messageOf } from "../errors.ts";

export interface ConsumerExpiryOptions {
  /** A consumer idle at least this long (ms) with nothing pending is removed. */
  expiryMs: number;
  /** Names never removed (this process's own). */
  keep: ReadonlySet<string>;
  logger: Logger;
}

/**
 * Removes, from each group, the consumers idle longer than `expiryMs` with
 * nothing pending (each instance start adds a consumer name; without this a
 * group would list every process that ever ran). Safe by construction: the
 * journal removes a consumer only if it has no pending entry, checked in the
 * same step (`Journal.deleteConsumer`), so no entry is dropped; and a live
 * consumer removed by mistake is created again by its next read. Returns
 * how many were removed.
 */
export async function expireConsumers(journal: Journal, groups: ReadonlyArray<{ stream: string; group: string }>, opts: ConsumerExpiryOptions): Promise<number> {
  let removed = 0;
  for (const { stream, group } of groups) {
    for (const consumer of await journal.consumers(stream, group)) {
      if (consumer.pending > 0 || consumer.idle_ms < opts.expiryMs || opts.keep.has(consumer.name)) continue;
      if (await journal.deleteConsumer(stream, group, consumer.name)) {
        removed++;
        opts.logger.info({ stream, group, consumer: consumer.name, idle_ms: consumer.idle_ms }, "removed a consumer idle with nothing pending");
      }
    }
  }
  return removed;
}

/** Runs `expireConsumers` every `everyMs` until stopped; a failure is logged with its message and tried again next time. */
export function consumerExpiryTimer(journal: Journal, groups: () => ReadonlyArray<{ stream: string; group: string }>, opts: ConsumerExpiryOptions & { everyMs: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= expireConsumers(journal, groups(), opts)
      .catch((error: unknown) => opts.logger.warn({ err: messageOf(error) }, "could not remove idle consumers; will try again"))
      .finally(() => (running = undefined));
  }, opts.everyMs);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
