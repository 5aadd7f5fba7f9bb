import { compareIds } from "../../journal/ids.ts";
import type { FeedMetrics } from "./feed-metrics.ts";
import { TopicOffer, type TopicMember, type TopicPublisher } from "./socket-delivery.ts";

/**
 * A subscriber's place in a stream's topic (see feed-topics.ts), and the
 * offer through which a feed takes one.
 */

/** What a seat needs of its topic. */
export interface SeatTopic {
  readonly last: string;
  add(seat: Seat): void;
  /** False when the seat had left already. */
  remove(seat: Seat): boolean;
}

/** What an offer needs of the process's topics. */
export interface OfferTopics {
  topicFor(stream: string, last: string, metrics?: FeedMetrics): SeatTopic;
}

/** How a held subscriber's end is reported: its feed's metrics and `onEnd` (see LiveFeed), once. */
export interface FeedEnd {
  close(reason: "done" | "slow" | "error"): void | Promise<void>;
}

/**
 * A subscriber's place in a topic. While its feed runs, the feed's offer
 * settles when it ends; once held (`FeedOffer.hold`), the seat is all that
 * is kept of the subscription: the member, its last id, and how to report
 * its end.
 */
export class Seat {
  joined = false;
  /** Set once held: the feed has let go, and the seat reports the end itself. */
  private end: FeedEnd | undefined;

  constructor(
    private readonly topic: SeatTopic,
    readonly member: TopicMember,
    /** Publishes to this subscriber once joined (its transport's). */
    readonly publisher: TopicPublisher,
    /** For metrics. */
    readonly transport: string,
    /** The last id sent to this subscriber. */
    public last: string,
    private offer: FeedOffer | undefined,
  ) {}

  get held(): boolean {
    return this.end !== undefined;
  }

  hold(end: FeedEnd): void {
    this.end = end;
    this.offer = undefined;
  }

  /** Dropped (too slow) or failed (the journal's live feed ended): already out of the topic. */
  fail(error: Error): void {
    if (!this.end) return this.offer?.failed(error);
    void Promise.resolve(this.end.close((error as { code?: string }).code === "OVERLOADED" ? "slow" : "error")).catch(() => {});
    this.member.ended?.(error);
  }

  /**
   * Ends a held subscription: its transport asked (stop, close). `quietly`
   * on shutdown: the member is not told, since its connection is about to
   * close and its client should resume after reconnecting, not see the
   * subscription end.
   */
  abort(quietly = false): void {
    if (!this.topic.remove(this)) return;
    if (this.end) void Promise.resolve(this.end.close("done")).catch(() => {});
    if (!quietly) this.member.ended?.();
  }
}

export class FeedOffer extends TopicOffer {
  joined = false;
  held = false;
  private settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private seat: Seat | undefined;
  private leave: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly topics: OfferTopics,
    private readonly stream: string,
    private readonly last: string,
    private readonly signal: AbortSignal,
    private readonly metrics: FeedMetrics | undefined,
    private readonly transport: string,
    /** How the feed reports its end, when a transport holds the subscriber. */
    private readonly end: FeedEnd | undefined,
  ) {
    super();
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
  }

  tryJoin(member: TopicMember, publisher: TopicPublisher): boolean {
    if (this.signal.aborted) return false;
    const topic = this.topics.topicFor(this.stream, this.last, this.metrics);
    if (compareIds(this.last, topic.last) < 0) return false;
    const seat = new Seat(topic, member, publisher, this.transport, this.last, this);
    topic.add(seat);
    this.joined = true;
    this.seat = seat;
    this.leave = () => {
      topic.remove(seat);
      this.settle!.resolve();
    };
    this.signal.addEventListener("abort", this.leave, { once: true });
    return true;
  }

  /** The seat was dropped or failed while the feed still ran: the feed ends with the error. */
  failed(error: Error): void {
    this.signal.removeEventListener("abort", this.leave!);
    this.settle!.reject(error);
  }

  /**
   * After `tryJoin` succeeded, hands the subscriber to the topic for good
   * (see TopicOffer.hold): the feed's steps end (`done` resolves at once),
   * and the returned seat ends the subscription when aborted.
   */
  override hold(): { abort(): void } | undefined {
    const seat = this.seat;
    if (!seat || !this.end || this.signal.aborted) return undefined;
    this.signal.removeEventListener("abort", this.leave!);
    seat.hold(this.end);
    this.held = true;
    this.settle!.resolve();
    return seat;
  }
}

