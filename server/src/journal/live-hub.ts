import { SlowConsumerError } from "../errors.ts";
import { compareIds } from "./ids.ts";
import type { JournalEntry } from "./journal.ts";

/**
 * In-process fanout of newly appended entries to the readers tailing a
 * stream. The SQLite journal feeds it on append; the Redis journal feeds it
 * from one multiplexed XREAD per process. Each listener has a bounded queue:
 * a listener that falls `maxBuffered` entries behind is failed with
 * SlowConsumerError and removed, so one stuck reader never grows memory.
 */
export class LiveHub {
  private readonly listeners = new Map<string, Set<HubMember>>();

  /**
   * `onWatchChange` is told when a stream gains its first listener (with the
   * id that listener has read up to, where a feed should start) or loses its last.
   */
  constructor(private readonly onWatchChange?: (stream: string, watched: boolean, after: string) => void) {}

  /**
   * A listener for entries of `stream` after `after`. `onOverflow` is called
   * at once when it falls `maxBuffered` behind: its reader may be blocked on
   * a stalled connection and not pull again, so waiting for the next pull to
   * report the failure could wait forever.
   */
  listen(stream: string, after: string, maxBuffered: number, onOverflow?: (error: SlowConsumerError) => void): Listener {
    const listener = new Listener(after, maxBuffered, () => this.remove(stream, listener), onOverflow);
    this.add(stream, after, listener);
    return listener;
  }

  /**
   * Hands entries of `stream` after `after` to `sink` synchronously, in id
   * order, as they are published: no queue, so a sink that shares one
   * delivery among many readers (a WebSocket topic) knows exactly which
   * entries it has handed out when it returns. `onFail` is told when the
   * hub fails everything (the journal closed).
   */
  watch(stream: string, after: string, sink: (entries: readonly JournalEntry[]) => void, onFail: (error: Error) => void): Watch {
    const watch = new Watch(after, sink, onFail, () => this.remove(stream, watch));
    this.add(stream, after, watch);
    return watch;
  }

  private add(stream: string, after: string, member: HubMember): void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
      this.onWatchChange?.(stream, true, after);
    }
    set.add(member);
  }

  /** Hands `entries` (in id order) to every listener of `stream`. */
  publish(stream: string, entries: readonly JournalEntry[]): void {
    const set = this.listeners.get(stream);
    if (!set || entries.length === 0) return;
    for (const listener of set) listener.push(entries);
  }

  watchedStreams(): string[] {
    return [...this.listeners.keys()];
  }

  listenerCount(stream?: string): number {
    if (stream) return this.listeners.get(stream)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** Fails every listener (e.g. the backend connection is gone for good). */
  failAll(error: Error): void {
    for (const set of this.listeners.values()) for (const listener of set) listener.fail(error);
  }

  private remove(stream: string, listener: HubMember): void {
    const set = this.listeners.get(stream);
    if (!set?.delete(listener)) return;
    if (set.size === 0) {
      this.listeners.delete(stream);
      this.onWatchChange?.(stream, false, "");
    }
  }
}

interface HubMember {
  push(entries: readonly JournalEntry[]): void;
  fail(error: Error): void;
}

/** Skips the entries at or before `cursor` (a feed that starts behind a member repeats entries it has). */
function freshFrom(entries: readonly JournalEntry[], cursor: string): number {
  let start = 0;
  while (start < entries.length && compareIds(entries[start]!.id, cursor) <= 0) start++;
  return start;
}

/** A synchronous sink of live entries (see LiveHub.watch). */
export class Watch implements HubMember {
  private closed = false;

  constructor(
    private cursor: string,
    private readonly sink: (entries: readonly JournalEntry[]) => void,
    private readonly onFail: (error: Error) => void,
    private readonly detach: () => void,
  ) {}

  /** The highest id handed to the sink (or the starting point). */
  get last(): string {
    return this.cursor;
  }

  push(entries: readonly JournalEntry[]): void {
    if (this.closed) return;
    const start = freshFrom(entries, this.cursor);
    if (start === entries.length) return;
    this.cursor = entries[entries.length - 1]!.id;
    this.sink(start === 0 ? entries : entries.slice(start));
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.onFail(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
  }
}

/** One reader's queue of live entries. */
export class Listener implements HubMember {
  private queue: JournalEntry[] = [];
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private closed = false;

  /** @param cursor the highest id this listener has queued or its reader has seen */
  constructor(
    private cursor: string,
    private readonly maxBuffered: number,
    private readonly detach: () => void,
    private readonly onOverflow?: (error: SlowConsumerError) => void,
  ) {}

  push(entries: readonly JournalEntry[]): void {
    if (this.closed) return;
    // A feed that starts behind this listener repeats entries it already has: skip them.
    const start = freshFrom(entries, this.cursor);
    const fresh = entries.length - start;
    if (fresh === 0) return;
    if (this.queue.length + fresh > this.maxBuffered) {
      const error = new SlowConsumerError(
        `slow consumer: ${this.queue.length + fresh} events waiting, over the buffer of ${this.maxBuffered}; reconnect with the last event id to resume`,
      );
      this.fail(error);
      this.onOverflow?.(error);
      return;
    }
    for (let i = start; i < entries.length; i++) this.queue.push(entries[i]!);
    this.cursor = entries[entries.length - 1]!.id;
    this.signal();
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.error = error;
    this.queue = [];
    this.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Removes the listener from its hub; a pending `next` resolves empty. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    this.signal();
  }

  /**
   * The queued entries with ids after `after`, waiting until there are some,
   * the listener closes or `signal` aborts (then: empty). Throws the failure.
   */
  async next(after: string, signal: AbortSignal): Promise<JournalEntry[]> {
    for (;;) {
      if (this.error) throw this.error;
      const ready = this.take(after);
      if (ready.length > 0 || this.closed || signal.aborted) return ready;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener("abort", onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      });
    }
  }

  private take(after: string): JournalEntry[] {
    if (compareIds(after, this.cursor) > 0) this.cursor = after;
    if (this.queue.length === 0) return [];
    const batch = this.queue;
    this.queue = [];
    // Entries at or before `after` were already read from the backlog.
    let start = 0;
    while (start < batch.length && compareIds(batch[start]!.id, after) <= 0) start++;
    return start === 0 ? batch : batch.slice(start);
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
