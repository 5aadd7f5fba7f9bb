import type { JournalEntry, ReadOptions } from "./journal.ts";
import type { LiveHub } from "./live-hub.ts";

export interface TailOptions {
  signal: AbortSignal;
  /** Live entries held for a reader that does not keep up (default 10,000). */
  maxBuffered?: number;
  /** Entries per backlog read (default 1,000). */
  pageSize?: number;
  /** Told at once when the reader falls `maxBuffered` behind (see LiveHub.listen). */
  onOverflow?: (error: Error) => void;
}

/**
 * Tails a stream for any adapter: the backlog after `after` in pages, then
 * live entries from the hub.
 *
 * Why the order matters: a reader that subscribed to the hub first and read
 * a long backlog second would buffer every live entry meanwhile, and fail as
 * a slow consumer while replaying a large stream. So the backlog is read
 * first until a short page says "caught up"; only then does it listen, and
 * it reads the backlog once more, because entries appended between that
 * last page and listening would otherwise be missed. Entries that arrive
 * both ways are dropped by id, so there is no gap and no duplicate.
 */
export async function* tailWithHub(
  read: (stream: string, opts: ReadOptions) => Promise<JournalEntry[]>,
  hub: LiveHub,
  stream: string,
  after: string,
  { signal, maxBuffered = 10_000, pageSize = 1_000, onOverflow }: TailOptions,
): AsyncGenerator<JournalEntry[]> {
  let last = after;

  async function* backlog(): AsyncGenerator<JournalEntry[]> {
    for (;;) {
      const page = await read(stream, { after: last, count: pageSize });
      if (page.length > 0) {
        last = page[page.length - 1]!.id;
        yield page;
      }
      if (page.length < pageSize || signal.aborted) return;
    }
  }

  yield* backlog();
  if (signal.aborted) return;
  const listener = hub.listen(stream, last, maxBuffered, onOverflow);
  try {
    yield* backlog();
    while (!signal.aborted) {
      const batch = await listener.next(last, signal);
      if (batch.length === 0) {
        if (listener.isClosed) return;
        continue;
      }
      last = batch[batch.length - 1]!.id;
      yield batch;
    }
  } finally {
    listener.close();
  }
}
