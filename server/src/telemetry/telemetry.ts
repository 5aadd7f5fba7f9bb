import { RTAPI_STREAM, StreamModeLobbySessionTelemetry, toLobbyStream } from "@gamejournal/shared";
import { tracked, type TrackedEnvelope } from "@trpc/server";
import type { JournalingApi } from "../journal/event-journal.ts";
import { compareIds, parseId } from "../journal/ids.ts";
import type { JournalEntry } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import { WsBatch } from "../trpc/ws-delivery.ts";
import { anySignal, sleep } from "../util/abort.ts";
import { SerializedJson } from "../trpc/serialized-json.ts";
import { LobbyTopics, trackedEntry } from "./lobby-topics.ts";
import type { SubscriptionRegistry } from "./registry.ts";

/** A live lobby event as subscribers receive it: the journal entry of the lobby's stream. */
export type LobbyEvent = JournalEntry;

/** Sent instead of events a resuming subscriber can no longer get: they were trimmed from the lobby stream. */
export interface EventsLost {
  type: "events_lost";
  error: string;
  /** The last id the subscriber had. */
  after: string;
  /** The highest id trimmed; the feed continues after it. */
  through: string;
}

export type LobbyFeedItem = TrackedEnvelope<LobbyEvent | EventsLost>;

export interface BroadcastAnswer {
  lobby_id: string;
  /** The event's id in the lobby's stream: what subscribers see and resume from. null while spooled. */
  id: string | null;
  /** Its id in `events:rtapi`. */
  journal_id: string | null;
  spooled?: true;
}

export interface FeedOptions {
  lobbyId: string;
  /** Resume after this id: every later event still kept, then live ones. Absent: live events from now. */
  lastEventId?: string | null;
  signal: AbortSignal;
  transport: "ws" | "sse";
  /** When given, the feed keeps this session's registry entry alive while it runs. */
  sessionId?: string;
  userId?: string;
  /** Drops the subscriber's connection; called when it falls `subscriberBuffer` events behind. */
  disconnect?: (reason: string) => void;
}

export interface TelemetryMetricsSink {
  subscriberOpened(transport: string): void;
  subscriberClosed(transport: string, reason: "done" | "slow" | "error"): void;
  /**
   * `count` deliveries (an event to `count` subscribers, or a replayed page
   * to one); `latencySeconds` for a live event only, observed once.
   */
  delivered(transport: string, count: number, latencySeconds?: number): void;
}

/** What the edges use of telemetry; TelemetryService implements it. */
export interface TelemetryApi {
  readonly registry: SubscriptionRegistry;
  broadcast(lobbyId: string, data: unknown, opts?: { userId?: string; sessionId?: string; key?: string }): Promise<BroadcastAnswer>;
  /**
   * Fixes the feed's starting point (so an event broadcast after this
   * resolves is always delivered), then returns the feed.
   */
  feed(opts: FeedOptions): Promise<AsyncGenerator<LobbyFeedItem>>;
}

export interface TelemetryOptions {
  journal: JournalingApi;
  registry: SubscriptionRegistry;
  clock: Clock;
  logger: Logger;
  /** Cap of each lobby's stream (default 10,000 events): how far back a subscriber can resume. */
  lobbyStreamMaxLen?: number;
  /** Events held for a subscriber that does not keep up before it is disconnected (default 1,000). */
  subscriberBuffer?: number;
  /** Registry TTL: a live feed renews its session every third of it. */
  ttlMs?: number;
  shutdown?: AbortSignal;
  metrics?: TelemetryMetricsSink;
}

/** Entries a WebSocket feed reads from the backlog per page (and writes in one corked batch). */
const PAGE = 1_000;

/**
 * Live lobby telemetry (seed 000's StreamModeLobbySessionTelemetry).
 *
 * Guarantees:
 * 1. `broadcast` journals the event to `events:rtapi` and to the lobby's
 *    capped stream in one append, and resolves once that is durable; it
 *    never waits for delivery.
 * 2. Delivery is a tail of the lobby's stream (one read per process,
 *    however many subscribers), so subscribers on every instance sharing
 *    the journal get every event in order.
 * 3. `feed` with `lastEventId` yields every later event still kept, then
 *    live ones, with no gap and no duplicate; if some were trimmed, it first
 *    yields an `events_lost` item saying which.
 * 4. A subscriber more than `subscriberBuffer` events behind is ended with
 *    SlowConsumerError; others are unaffected and memory stays bounded.
 * 5. Over WebSocket, a caught-up subscriber is moved onto the lobby's
 *    native topic (lobby-topics.ts): each live event is serialised and
 *    published once per process, whatever the number of subscribers.
 */
export class TelemetryService implements TelemetryApi {
  readonly registry: SubscriptionRegistry;
  private readonly maxLen: number;
  private readonly buffer: number;
  private readonly ttlMs: number;
  private readonly topics: LobbyTopics;

  constructor(private readonly opts: TelemetryOptions) {
    if (!opts.journal) throw new Error("new telemetry service: no journal");
    if (!opts.registry) throw new Error("new telemetry service: no subscription registry");
    this.registry = opts.registry;
    this.maxLen = opts.lobbyStreamMaxLen ?? 10_000;
    this.buffer = opts.subscriberBuffer ?? 1_000;
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.topics = new LobbyTopics(opts.journal.journal, this.buffer, () => opts.clock.now(), opts.metrics);
  }

  /** Seed 000's `BroadcastTelemetry(lobbyId, data)`. */
  async broadcast(lobbyId: string, data: unknown, { userId, sessionId, key }: { userId?: string; sessionId?: string; key?: string } = {}): Promise<BroadcastAnswer> {
    const event = {
      type: "telemetry",
      lobby_id: lobbyId,
      ...(userId ? { user_id: userId } : {}),
      ...(sessionId ? { session_id: sessionId } : {}),
      ts: this.opts.clock.now(),
      data: data ?? null,
      mode: StreamModeLobbySessionTelemetry,
      ...(key ? { key } : {}),
    };
    const answer = await this.opts.journal.append([
      { stream: RTAPI_STREAM, event },
      { stream: toLobbyStream(lobbyId), event, maxLen: this.maxLen },
    ]);
    return { lobby_id: lobbyId, id: answer.ids[1] ?? null, journal_id: answer.ids[0] ?? null, ...(answer.spooled ? { spooled: true as const } : {}) };
  }

  async feed(opts: FeedOptions): Promise<AsyncGenerator<LobbyFeedItem>> {
    const info = await this.opts.journal.journal.info(toLobbyStream(opts.lobbyId));
    let lost: EventsLost | undefined;
    let after: string;
    if (opts.lastEventId) {
      after = opts.lastEventId;
      if (info && compareIds(opts.lastEventId, info.max_deleted_id) < 0) {
        lost = {
          type: "events_lost",
          error: `events after ${opts.lastEventId} up to ${info.max_deleted_id} were trimmed from lobby ${opts.lobbyId} (it keeps the last ${this.maxLen}); resuming with the oldest kept event`,
          after: opts.lastEventId,
          through: info.max_deleted_id,
        };
        after = info.max_deleted_id;
      }
    } else {
      after = info?.last_id ?? "0-0";
    }
    return this.run(opts, after, lost);
  }

  private async *run({ lobbyId, signal, transport, sessionId, userId, disconnect }: FeedOptions, after: string, lost?: EventsLost): AsyncGenerator<LobbyFeedItem> {
    const stop = anySignal(signal, this.opts.shutdown);
    const journal = this.opts.journal.journal;
    const stream = toLobbyStream(lobbyId);
    const metrics = this.opts.metrics;
    metrics?.subscriberOpened(transport);
    let reason: "done" | "slow" | "error" = "done";
    const heartbeat = sessionId ? this.keepAlive(lobbyId, sessionId, userId ?? "", stop) : undefined;
    try {
      if (lost) yield tracked(lost.through, lost);
      // A subscriber that fell behind may be blocked on a stalled connection and never pull again:
      // drop its connection at once rather than when (if ever) it asks for the next event.
      const onOverflow = (error: Error) => {
        reason = "slow";
        disconnect?.(error.message);
      };
      if (transport === "ws") {
        yield* this.overWebSocket(stream, after, stop);
        return;
      }
      // Entries appended after the feed started are live: their delivery latency is observed.
      const liveFrom = this.opts.clock.now();
      for await (const batch of journal.tail(stream, after, { signal: stop, maxBuffered: this.buffer, onOverflow })) {
        const now = this.opts.clock.now();
        for (const entry of batch) {
          const appended = parseId(entry.id).ms;
          metrics?.delivered(transport, 1, appended >= liveFrom ? Math.max(0, now - appended) / 1000 : undefined);
          yield trackedEntry(entry) as unknown as LobbyFeedItem;
        }
      }
    } catch (error) {
      if (reason === "done") reason = (error as { code?: string }).code === "OVERLOADED" ? "slow" : "error";
      throw error;
    } finally {
      metrics?.subscriberClosed(transport, reason);
      await heartbeat?.stop();
    }
  }

  /**
   * The WebSocket feed: the backlog after `after` in corked pages, then an
   * offer to join the lobby's topic; refused (the topic is ahead), it reads
   * on and offers again. Once joined it waits for the end: the topic
   * delivers. Only the tRPC WebSocket handler understands what this yields.
   */
  private async *overWebSocket(stream: string, after: string, stop: AbortSignal): AsyncGenerator<LobbyFeedItem> {
    const journal = this.opts.journal.journal;
    let last = after;
    for (;;) {
      for (;;) {
        // Entries come serialised by the journal: replay neither decodes nor re-encodes them.
        const page = await journal.readRaw(stream, { after: last, count: PAGE });
        if (page.length > 0) {
          last = page[page.length - 1]!.id;
          this.opts.metrics?.delivered("ws", page.length);
          yield new WsBatch(page.map((entry) => tracked(entry.id, new SerializedJson(entry.json)))) as unknown as LobbyFeedItem;
        }
        if (page.length < PAGE || stop.aborted) break;
      }
      if (stop.aborted) return;
      const offer = this.topics.offer(stream, last, stop);
      yield offer as unknown as LobbyFeedItem;
      if (offer.joined) return await offer.done;
    }
  }

  /** Registers the session and renews it every third of the TTL while the feed runs. */
  private keepAlive(lobbyId: string, sessionId: string, userId: string, signal: AbortSignal) {
    const done = new AbortController();
    const loop = (async () => {
      const stop = anySignal(signal, done.signal);
      try {
        await this.registry.subscribe(lobbyId, sessionId, userId);
        while (!stop.aborted) {
          await sleep(this.ttlMs / 3, stop);
          if (!stop.aborted) await this.registry.renew(lobbyId, sessionId);
        }
      } catch (error) {
        this.opts.logger.warn({ err: (error as Error).message, lobbyId, sessionId }, "could not renew a live subscription");
      }
    })();
    return {
      async stop() {
        done.abort();
        await loop;
      },
    };
  }
}
