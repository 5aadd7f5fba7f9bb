/**
 * How a live feed uses what a WebSocket does well, without knowing which
 * protocol the socket speaks. A feed offers, beside its ordinary async
 * iteration, a sequence of socket steps under `SOCKET_STEPS`; a WebSocket
 * transport that understands them (the tRPC handler, a raw endpoint) pulls
 * those instead of the items one by one. Every other consumer (SSE, a
 * server-side caller) iterates the feed as usual and gets the same items.
 *
 * - `FeedPage`: several items to write in one corked write (a backlog page).
 * - `TopicOffer`: the feed is caught up and offers to hand its subscriber
 *   to a shared topic, where one native `server.publish` per item reaches
 *   every subscriber (serialised once, written by Bun without per-socket
 *   JavaScript). See feed-topics.ts for the hand-over rules.
 */

export class FeedPage<T> {
  constructor(readonly items: readonly T[]) {}
}

/** The socket side of a topic, as the transport gives it to `TopicOffer.tryJoin`. */
export interface TopicMember<T = unknown> {
  /** Sends items to this subscriber alone (the catch-up before it joins the topic). */
  send(items: readonly T[]): void;
  /** From now on the socket gets every item published to `topic`. */
  join(topic: string): void;
  leave(topic: string): void;
  /** Bytes waiting in the socket's send buffer (not yet taken by the kernel). */
  buffered(): number;
  /** Drops the connection (close 4008 with the reason). */
  disconnect(reason: string): void;
  /**
   * A held subscription (see `TopicOffer.hold`) ended: after the
   * transport's own `abort()` (no error), or because the subscriber was
   * dropped or the live feed failed (the error). Not told on server
   * shutdown: the connection is closed then, and its client resumes.
   */
  ended?(error?: Error): void;
}

/** Publishes items to every socket joined to a topic (Bun's native publish). */
export interface TopicPublisher<T = unknown> {
  publish(topic: string, items: readonly T[]): void;
}

export abstract class TopicOffer<T = unknown> {
  /**
   * Joins `member` to the feed's topic if the feed has sent it everything
   * the topic might skip; false when the feed must catch up further first
   * (the transport then keeps pulling steps). Runs synchronously.
   */
  abstract tryJoin(member: TopicMember<T>, publisher: TopicPublisher<T>): boolean;

  /**
   * After a successful `tryJoin`, optionally: the transport takes the
   * subscriber over for good, so that an idle caught-up subscriber costs a
   * topic member and not a running feed. The feed's steps then end at once
   * (nothing of the feed is kept); the returned handle's `abort()` ends the
   * subscription (the transport calls it on stop or when the connection
   * closes), and `member.ended` is told of every end. Undefined when the
   * feed cannot be held; the transport then keeps pulling its steps.
   */
  hold?(): { abort(): void } | undefined;
}

export type SocketStep<T> = FeedPage<T> | TopicOffer<T>;

/** Where a feed keeps its socket steps. */
export const SOCKET_STEPS: unique symbol = Symbol("gamejournal.live-feed.socket-steps");

export interface SocketDeliverable<T> {
  /** The feed as socket steps; a feed is consumed once, either this way or by iteration. */
  [SOCKET_STEPS](): AsyncGenerator<SocketStep<T>>;
}

/** The socket steps of a value, when it is a feed that offers them. */
export function socketStepsOf(value: unknown): (() => AsyncGenerator<SocketStep<unknown>>) | undefined {
  if (typeof value !== "object" || value === null || !(SOCKET_STEPS in value)) return undefined;
  const deliverable = value as SocketDeliverable<unknown>;
  return () => deliverable[SOCKET_STEPS]();
}
