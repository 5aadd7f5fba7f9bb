import { tracked, type TrackedEnvelope } from "@trpc/server";
import { compareIds, parseId } from "../../journal/ids.ts";
import type { Journal, JournalEntry } from "../../journal/journal.ts";
import { anySignal } from "../../util/abort.ts";
import type { Clock } from "../clock.ts";
import { SerializedJson } from "../serialized-json.ts";
import type { FeedMetrics } from "./feed-metrics.ts";
import { FeedTopics, trackedEntry, type FeedEnd, type FeedOffer } from "./feed-topics.ts";
import { FeedPage, SOCKET_STEPS, type SocketDeliverable, type SocketStep } from "./socket-delivery.ts";

/** Sent instead of entries a resuming subscriber can no longer get: they were trimmed from the stream. */
export interface EventsLost {
  type: "events_lost";
  error: string;
  /** The last id the subscriber had. */
  after: string;
  /** The highest id trimmed; the feed continues after it. */
  through: string;
}

/**
 * What a live feed yields: each journal entry with its id (serialised once,
 * whatever the number of subscribers; a client receives the entry itself),
 * or first, when entries were trimmed, an `events_lost` notice.
 */
export type FeedItem<T = JournalEntry> = TrackedEnvelope<SerializedJson<T> | EventsLost>;

export interface FollowOptions {
  /** The journal stream to follow. */
  stream: string;
  /** Resume after this id: every later entry still kept, then live ones. Absent: live entries from now. */
  lastEventId?: string | null;
  signal: AbortSignal;
  /** Which transport delivers the feed, for metrics (`ws`, `sse`, …). */
  transport: string;
  /** Drops the subscriber's connection; called at once when it falls `bufferEvents` behind. */
  disconnect?: (reason: string) => void;
  /** How an `events_lost` notice names what was followed (default: `stream <name>`). */
  describe?: string;
  metrics?: FeedMetrics;
  /** Runs once when the feed ends, however it ends (done, aborted, dropped, failed). */
  onEnd?: () => void | Promise<void>;
}

export interface LiveFeedsOptions {
  journal: Journal;
  clock: Clock;
  /** Entries held for a subscriber that does not keep up before it is disconnected (default 1,000). */
  bufferEvents?: number;
  /** Every feed ends when this aborts (server shutdown). */
  shutdown?: AbortSignal;
}

/** Entries a socket feed reads from the backlog per page (and writes in one corked batch). */
const PAGE = 1_000;

/**
 * Follows any journal stream, for any transport: the platform's live feed.
 *
 * Guarantees:
 * 1. A feed with `lastEventId` yields every later entry still kept, then
 *    live ones, in id order, with no gap and no duplicate; if some were
 *    trimmed, it first yields an `events_lost` item saying which.
 * 2. Without `lastEventId` it starts at the stream's end as `follow`
 *    resolves: every entry appended after that is delivered.
 * 3. Delivery is a tail of the stream (one read per process, however many
 *    subscribers), so subscribers on every instance sharing the journal get
 *    every entry in order.
 * 4. A subscriber more than `bufferEvents` entries behind is disconnected at
 *    once and its feed ends with SlowConsumerError; others are unaffected
 *    and memory stays bounded.
 * 5. Over a transport that takes socket steps (see socket-delivery.ts:
 *    WebSockets, SSE), the backlog goes out in pages and a caught-up
 *    subscriber moves onto the stream's topic: each live batch is
 *    serialised and published once per process. A transport may then hold
 *    the subscriber as a plain topic member (`TopicOffer.hold`): the feed
 *    itself ends, and the subscription's end (stop, close, shutdown, drop)
 *    is reported by its seat, with the same metrics and `onEnd`.
 */
export class LiveFeeds {
  private readonly topics: FeedTopics;
  readonly bufferEvents: number;

  constructor(private readonly opts: LiveFeedsOptions) {
    if (!opts?.journal) throw new Error("new live feeds: no journal");
    if (!opts.clock) throw new Error("new live feeds: no clock");
    this.bufferEvents = opts.bufferEvents ?? 1_000;
    this.topics = new FeedTopics(opts.journal, this.bufferEvents, opts.clock, opts.shutdown);
  }

  /** Fixes the feed's starting point (so an entry appended after this resolves is always delivered), then returns the feed. */
  async follow(opts: FollowOptions): Promise<LiveFeed> {
    const info = await this.opts.journal.info(opts.stream);
    let lost: EventsLost | undefined;
    let after: string;
    if (opts.lastEventId) {
      after = opts.lastEventId;
      if (info && compareIds(opts.lastEventId, info.max_deleted_id) < 0) {
        lost = {
          type: "events_lost",
          error: `events after ${opts.lastEventId} up to ${info.max_deleted_id} were trimmed from ${opts.describe ?? `stream ${opts.stream}`}; resuming with the oldest kept event`,
          after: opts.lastEventId,
          through: info.max_deleted_id,
        };
        after = info.max_deleted_id;
      }
    } else {
      after = info?.last_id ?? "0-0";
    }
    return new LiveFeed(
      this.opts.journal,
      this.topics,
      this.opts.clock,
      this.bufferEvents,
      { ...opts, signal: anySignal(opts.signal, this.opts.shutdown) },
      after,
      lost,
    );
  }
}

/**
 * One subscriber's feed (see LiveFeeds). Consumed once: by async iteration
 * (SSE, a server-side caller) or by its socket steps (a WebSocket).
 */
export class LiveFeed implements AsyncIterable<FeedItem>, SocketDeliverable<FeedItem> {
  private consumed = false;
  /** Set when the subscriber fell behind and was dropped (its feed may then end by abort rather than by error). */
  private dropped = false;

  constructor(
    private readonly journal: Journal,
    private readonly topics: FeedTopics,
    private readonly clock: Clock,
    private readonly bufferEvents: number,
    private readonly opts: FollowOptions,
    private readonly after: string,
    private readonly lost: EventsLost | undefined,
  ) {}

  [Symbol.asyncIterator](): AsyncGenerator<FeedItem> {
    return this.lifecycle(this.entries());
  }

  [SOCKET_STEPS](): AsyncGenerator<SocketStep<FeedItem>> {
    return this.socketSteps();
  }

  /** Counts the subscriber and returns how to report its end; refuses a second consumption. */
  private begin(): SubscriberEnd {
    if (this.consumed) throw new Error("a live feed is consumed once");
    this.consumed = true;
    return new SubscriberEnd(this.opts);
  }

  private async *lifecycle<T>(inner: AsyncGenerator<T>): AsyncGenerator<T> {
    const end = this.begin();
    let reason: "done" | "slow" | "error" = "done";
    try {
      yield* inner;
    } catch (error) {
      reason = reasonOf(error);
      throw error;
    } finally {
      await end.close(this.dropped ? "slow" : reason);
    }
  }

  /** The `events_lost` notice, when the resume point was trimmed. */
  private lostItem(): FeedItem | undefined {
    return this.lost && tracked(this.lost.through, this.lost);
  }

  /** Every entry after `after`, then live ones, one item each. */
  private async *entries(): AsyncGenerator<FeedItem> {
    const { stream, signal, transport, disconnect, metrics } = this.opts;
    // Entries appended after the feed started are live: their delivery latency is observed.
    const liveFrom = this.clock.now();
    const lost = this.lostItem();
    if (lost) yield lost;
    // A subscriber that fell behind may be blocked on a stalled connection and never pull again:
    // drop its connection at once rather than when (if ever) it asks for the next entry.
    const onOverflow = (error: Error) => {
      this.dropped = true;
      disconnect?.(error.message);
    };
    for await (const batch of this.journal.tail(stream, this.after, { signal, maxBuffered: this.bufferEvents, onOverflow })) {
      const now = this.clock.now();
      for (const entry of batch) {
        const appended = parseId(entry.id).ms;
        metrics?.delivered(transport, 1, appended >= liveFrom ? Math.max(0, now - appended) / 1000 : undefined);
        yield trackedEntry(entry) as FeedItem;
      }
    }
  }

  /**
   * The backlog after `after` in corked pages, then an offer to join the
   * stream's topic; refused (the topic is ahead), it reads on and offers
   * again. Once joined it waits for the end: the topic delivers.
   */
  private async *socketSteps(): AsyncGenerator<SocketStep<FeedItem>> {
    const { stream, signal, transport, metrics } = this.opts;
    const end = this.begin();
    let reason: "done" | "slow" | "error" = "done";
    let offer: FeedOffer | undefined;
    try {
      const lost = this.lostItem();
      if (lost) yield new FeedPage([lost]);
      let last = this.after;
      for (;;) {
        let reading = this.journal.readRaw(stream, { after: last, count: PAGE });
        for (;;) {
          // Entries come serialised by the journal: replay neither decodes nor re-encodes them.
          const page = await reading;
          if (page.length > 0) last = page[page.length - 1]!.id;
          const more = page.length === PAGE && !signal.aborted;
          // The next page is read while this one is written: the journal and the transport work at once.
          if (more) (reading = this.journal.readRaw(stream, { after: last, count: PAGE })).catch(() => {});
          if (page.length > 0) {
            metrics?.delivered(transport, page.length);
            yield new FeedPage(page.map((entry) => tracked(entry.id, new SerializedJson<JournalEntry>(entry.json))));
          }
          if (!more) break;
        }
        if (signal.aborted) return;
        offer = this.topics.offer(stream, last, signal, metrics, transport, end);
        // A transport that holds the subscriber ends these steps here (return): its seat reports the end.
        yield offer;
        if (offer.held) return;
        if (offer.joined) return await offer.done;
      }
    } catch (error) {
      reason = reasonOf(error);
      throw error;
    } finally {
      if (!offer?.held) await end.close(reason);
    }
  }
}

/** Reports a subscriber's end once: metrics, then `onEnd`. A class: a held subscriber keeps one. */
class SubscriberEnd implements FeedEnd {
  private readonly metrics: FeedMetrics | undefined;
  private readonly transport: string;
  private readonly onEnd: (() => void | Promise<void>) | undefined;
  private closed = false;

  constructor({ metrics, transport, onEnd }: FollowOptions) {
    this.metrics = metrics;
    this.transport = transport;
    this.onEnd = onEnd;
    metrics?.subscriberOpened(transport);
  }

  close(reason: "done" | "slow" | "error"): void | Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.metrics?.subscriberClosed(this.transport, reason);
    return this.onEnd?.();
  }
}

function reasonOf(error: unknown): "slow" | "error" {
  return (error as { code?: string }).code === "OVERLOADED" ? "slow" : "error";
}
