import { RTAPI_STREAM, StreamModeLobbySessionTelemetry, toLobbyStream } from "@gamejournal/shared";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { JournalEntry } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import type { FeedItem, FeedMetrics, LiveFeed, LiveFeeds } from "../platform/live-feed/index.ts";
import { anySignal, sleep } from "../util/abort.ts";
import { listLobbies, type LobbySummary } from "./lobby-directory.ts";
import type { SubscriptionRegistry } from "./registry.ts";

/** A live lobby event as subscribers receive it: the journal entry of the lobby's stream. */
export type LobbyEvent = JournalEntry;

export type { EventsLost } from "../platform/live-feed/index.ts";

/** What a lobby feed yields: each lobby event with its id, or first an `events_lost` notice. */
export type LobbyFeedItem = FeedItem<LobbyEvent>;

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

/** What the edges use of telemetry; TelemetryService implements it. */
export interface TelemetryApi {
  readonly registry: SubscriptionRegistry;
  /** `principal` scopes `key` to the caller (see `scopedKey`). */
  broadcast(lobbyId: string, data: unknown, opts?: { userId?: string; sessionId?: string; key?: string; principal?: string }): Promise<BroadcastAnswer>;
  /**
   * Fixes the feed's starting point (so an event broadcast after this
   * resolves is always delivered), then returns the feed.
   */
  feed(opts: FeedOptions): Promise<LiveFeed>;
  /** The lobbies with a stream, most recently active first (at most `limit`), with their subscriber counts. */
  lobbies(limit: number): Promise<{ lobbies: LobbySummary[]; total: number }>;
}

export interface TelemetryOptions {
  /** The journal API, with the lobby writes derived (see lobby-writes.ts). */
  journal: JournalingApi;
  feeds: LiveFeeds;
  registry: SubscriptionRegistry;
  clock: Clock;
  logger: Logger;
  /** Cap of each lobby's stream (default 10,000 events): how far back a subscriber can resume. */
  lobbyStreamMaxLen?: number;
  /** Registry TTL: a live feed renews its session every third of it. */
  ttlMs?: number;
  shutdown?: AbortSignal;
  metrics?: FeedMetrics;
}

/**
 * Live lobby telemetry (seed 000's StreamModeLobbySessionTelemetry).
 *
 * Guarantees:
 * 1. `broadcast` journals the event to `events:rtapi` with its lobby id, so
 *    the journal also writes it to the lobby's capped stream in the same
 *    append (lobby-writes.ts), and resolves once that is durable; it never
 *    waits for delivery.
 * 2. A lobby feed is the platform's live feed of the lobby's stream: every
 *    event in order on every instance sharing the journal, resumable from
 *    `lastEventId` with no gap and no duplicate, `events_lost` first when
 *    the id was trimmed, slow subscribers disconnected (see LiveFeeds).
 * 3. With `sessionId`, the session's registry entry is renewed while the
 *    feed runs, so `/rtapi/subscriptions` lists it as active.
 */
export class TelemetryService implements TelemetryApi {
  readonly registry: SubscriptionRegistry;
  private readonly maxLen: number;
  private readonly ttlMs: number;

  constructor(private readonly opts: TelemetryOptions) {
    if (!opts?.journal) throw new Error("new telemetry service: no journal");
    if (!opts.feeds) throw new Error("new telemetry service: no live feeds");
    if (!opts.registry) throw new Error("new telemetry service: no subscription registry");
    this.registry = opts.registry;
    this.maxLen = opts.lobbyStreamMaxLen ?? 10_000;
    this.ttlMs = opts.ttlMs ?? 60_000;
  }

  /** Seed 000's `BroadcastTelemetry(lobbyId, data)`. */
  async broadcast(
    lobbyId: string,
    data: unknown,
    { userId, sessionId, key, principal }: { userId?: string; sessionId?: string; key?: string; principal?: string } = {},
  ): Promise<BroadcastAnswer> {
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
    const { answer, derived } = await this.opts.journal.appendDetailed([{ stream: RTAPI_STREAM, event }], { principal });
    const lobby = derived[0]?.find((r) => r.stream === toLobbyStream(lobbyId));
    return { lobby_id: lobbyId, id: lobby?.id ?? null, journal_id: answer.ids[0] ?? null, ...(answer.spooled ? { spooled: true as const } : {}) };
  }

  async feed({ lobbyId, lastEventId, signal, transport, sessionId, userId, disconnect }: FeedOptions): Promise<LiveFeed> {
    const stop = anySignal(signal, this.opts.shutdown);
    const heartbeat = sessionId ? this.keepAlive(lobbyId, sessionId, userId ?? "", stop) : undefined;
    try {
      return await this.opts.feeds.follow({
        stream: toLobbyStream(lobbyId),
        lastEventId: lastEventId ?? null,
        signal: stop,
        transport,
        ...(disconnect ? { disconnect } : {}),
        describe: `lobby ${lobbyId} (it keeps the last ${this.maxLen})`,
        ...(this.opts.metrics ? { metrics: this.opts.metrics } : {}),
        ...(heartbeat ? { onEnd: () => heartbeat.stop() } : {}),
      });
    } catch (error) {
      await heartbeat?.stop();
      throw error;
    }
  }

  lobbies(limit: number): Promise<{ lobbies: LobbySummary[]; total: number }> {
    return listLobbies(this.opts.journal.journal, this.registry, limit);
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
