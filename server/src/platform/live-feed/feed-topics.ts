import { tracked } from "@trpc/server";
import { SlowConsumerError } from "../../errors.ts";
import { compareIds, parseId } from "../../journal/ids.ts";
import type { Journal, JournalEntry, LiveWatch } from "../../journal/journal.ts";
import type { Clock } from "../clock.ts";
import { SerializedJson } from "../serialized-json.ts";
import type { TopicPublisher } from "./socket-delivery.ts";
import { FeedOffer, type FeedEnd, type Seat } from "./topic-seat.ts";
import type { FeedMetrics } from "./feed-metrics.ts";

/**
 * Live fanout of journal streams to caught-up subscribers through topics:
 * per process, one journal watch per followed stream hands each new batch,
 * serialised once, to one `publish` per transport's publisher: Bun's native
 * topics write it to every joined WebSocket, the SSE topics write the same
 * bytes to every joined SSE stream. No per-subscriber serialisation or
 * generator step runs per event.
 *
 * Hand-over without gap or duplicate: a subscriber has been sent every
 * entry up to its `last`; the topic has published every entry up to its
 * own `last` (the watch's cursor, advanced synchronously as it publishes).
 * 1. subscriber behind the topic: the offer is refused and the feed reads
 *    more backlog first;
 * 2. level with it: the socket joins the topic at once;
 * 3. ahead of it (it read from the journal entries the watch has not
 *    delivered yet): it waits as pending; each published batch is sent to
 *    it alone from past its `last`, and it joins once level.
 * All of this runs synchronously between publishes, so no entry slips
 * between "sent alone" and "joined".
 *
 * Slow subscribers: after each published batch, a socket holding more
 * than `bufferEvents` × the stream's average event size unsent (at least
 * 64 KiB, at most 8 MiB) is dropped (close 4008) and its feed ends with
 * SlowConsumerError, as on the other transports. The server also closes a
 * socket at Bun's backpressure limit (16 MiB), so a published message is
 * never silently dropped.
 */

/** One serialisation per entry, shared by every subscriber handed the same entry. */
const serialized = new WeakMap<JournalEntry, SerializedJson>();
export function serializeEntry(entry: JournalEntry): SerializedJson {
  let json = serialized.get(entry);
  if (!json) {
    json = SerializedJson.of(entry);
    serialized.set(entry, json);
  }
  return json;
}

/** An entry as a subscription item, serialised through the shared cache (live entries reach many subscribers). */
export function trackedEntry(entry: JournalEntry) {
  return tracked(entry.id, serializeEntry(entry));
}

export type { FeedEnd, FeedOffer };

class StreamTopic {
  private readonly seats = new Set<Seat>();
  /** Joined seats per publisher and per transport: who a batch is published through, and counted for. */
  private readonly publishers = new Map<TopicPublisher, number>();
  private readonly transports = new Map<string, number>();
  private readonly watch: LiveWatch;
  private avgBytes = 0;

  constructor(
    private readonly topics: FeedTopics,
    readonly stream: string,
    after: string,
    private readonly metrics: FeedMetrics | undefined,
  ) {
    this.watch = topics.journal.watch(
      stream,
      after,
      (entries) => this.deliver(entries),
      (error) => this.failAll(error),
    );
  }

  get last(): string {
    return this.watch.last;
  }

  add(seat: Seat): void {
    this.seats.add(seat);
    if (compareIds(seat.last, this.last) === 0) this.join(seat);
  }

  /** False when the seat had left already. */
  remove(seat: Seat): boolean {
    if (!this.seats.delete(seat)) return false;
    if (seat.joined) {
      seat.member.leave(this.stream);
      count(this.publishers, seat.publisher, -1);
      count(this.transports, seat.transport, -1);
    }
    if (this.seats.size === 0) {
      this.watch.close();
      this.topics.dropped(this);
    }
    return true;
  }

  /** The seats held by the topic itself (see FeedOffer.hold). */
  heldSeats(): Seat[] {
    return [...this.seats].filter((seat) => seat.held);
  }

  private join(seat: Seat): void {
    seat.joined = true;
    seat.member.join(this.stream);
    count(this.publishers, seat.publisher, 1);
    count(this.transports, seat.transport, 1);
  }

  private deliver(entries: readonly JournalEntry[]): void {
    const items = entries.map(trackedEntry);
    for (const publisher of this.publishers.keys()) publisher.publish(this.stream, items);
    const joined = [...this.transports];
    for (const seat of this.seats) {
      if (seat.joined) continue;
      const fresh = entries.findIndex((e) => compareIds(e.id, seat.last) > 0);
      if (fresh >= 0) {
        seat.member.send(items.slice(fresh));
        seat.last = entries[entries.length - 1]!.id;
      }
      if (compareIds(seat.last, this.last) <= 0) this.join(seat);
    }
    const now = this.topics.clock.now();
    for (const entry of entries) {
      const latency = Math.max(0, now - parseId(entry.id).ms) / 1000;
      for (const [transport, n] of joined) this.metrics?.delivered(transport, n, latency);
      const bytes = serializeEntry(entry).json.length;
      this.avgBytes = this.avgBytes === 0 ? bytes : this.avgBytes * 0.9 + bytes * 0.1;
    }
    this.dropSlow();
  }

  private dropSlow(): void {
    // Kept under the server's 16 MiB backpressure limit, where Bun would close the socket without a reason.
    const limit = Math.min(8 * 1024 * 1024, Math.max(64 * 1024, this.topics.bufferEvents * this.avgBytes));
    for (const seat of this.seats) {
      const waiting = seat.member.buffered();
      if (waiting <= limit) continue;
      const error = new SlowConsumerError(
        `slow consumer: ${waiting} bytes waiting, over the buffer of ${this.topics.bufferEvents} events (${Math.round(limit)} bytes); reconnect with the last event id to resume`,
      );
      // Fail the feed before closing: closing may abort it at once, which would end it as "done".
      this.remove(seat);
      seat.fail(error);
      seat.member.disconnect(error.message);
    }
  }

  private failAll(error: Error): void {
    for (const seat of [...this.seats]) {
      this.remove(seat);
      seat.fail(error);
    }
  }
}

/** The stream topics of one process (see the module comment). */
export class FeedTopics {
  private readonly topics = new Map<string, StreamTopic>();

  /** `shutdown` ends every held subscriber (their feeds, which would have ended with it, are gone), quietly: the server closes their connections. */
  constructor(
    readonly journal: Journal,
    readonly bufferEvents: number,
    readonly clock: Clock,
    shutdown?: AbortSignal,
  ) {
    shutdown?.addEventListener("abort", () => {
      for (const topic of [...this.topics.values()]) for (const seat of topic.heldSeats()) seat.abort(true);
    });
  }

  /**
   * An offer for a subscriber of `stream` that has been sent everything up
   * to `last`. Once joined, `done` settles when `signal` aborts (resolves)
   * or the subscriber is dropped (rejects); it then leaves the topic.
   */
  offer(stream: string, last: string, signal: AbortSignal, metrics?: FeedMetrics, transport = "ws", end?: FeedEnd): FeedOffer {
    return new FeedOffer(this, stream, last, signal, metrics, transport, end);
  }

  /** The stream's topic; its metrics are those of the subscriber that opened it. */
  topicFor(stream: string, last: string, metrics?: FeedMetrics): StreamTopic {
    let topic = this.topics.get(stream);
    if (!topic) this.topics.set(stream, (topic = new StreamTopic(this, stream, last, metrics)));
    return topic;
  }

  dropped(topic: StreamTopic): void {
    if (this.topics.get(topic.stream) === topic) this.topics.delete(topic.stream);
  }
}

function count<K>(counts: Map<K, number>, key: K, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
