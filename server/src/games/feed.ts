import { toGameStream, type GameEventRecord, type GameView } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";
import type { LiveFeeds } from "../platform/live-feed/index.ts";
import type { GameNotification } from "./notifier.ts";
import { toRecord } from "./records.ts";
import { GameNotFoundError } from "./rejections.ts";
import { playerView } from "./rules/index.ts";
import type { Rooms } from "./rooms.ts";
import type { GameEventStore } from "./store/index.ts";

/** What a game feed yields, before a transport shapes it. */
export type GameFeedStep =
  | { kind: "state"; version: number; state: GameView }
  | { kind: "event"; event: GameEventRecord }
  /** The backlog is delivered: what follows is live (`lastEventId` is the last event delivered so far). */
  | { kind: "caught_up"; lastEventId: number };

export interface GameFeedDeps {
  store: GameEventStore;
  rooms: Rooms;
  feeds: LiveFeeds;
  /** Without any notification for this long, the feed reads the store anyway (default 15 s). */
  pollMs?: number;
}

export interface GameFeedOptions {
  gameId: string;
  /** The seat whose view to deliver; null: a spectator. */
  viewer: number | null;
  /** Resume after this event id; null: the current state first, then what follows it. */
  lastEventId: number | null;
  signal: AbortSignal;
  /** `ws`, `sse`, `socket`: for the journal feed's metrics. */
  transport: string;
  disconnect?: (reason: string) => void;
}

/** Events read from the store per page. */
const PAGE = 500;

/**
 * One subscriber's live feed of a game: the state (or the events after
 * `lastEventId`), then every later event, each exactly once and in order,
 * filtered for the viewer.
 *
 * The store is the truth; the game's journal stream only wakes the reader:
 * 1. It starts following the notification stream (from now) BEFORE reading
 *    the store. Why the order matters: an event appended while the backlog
 *    is read is either in that read or announced by a notification the feed
 *    is already following; read the other way round, it could fall between
 *    the two and wait for the next command.
 * 2. Then the backlog: the events after `lastEventId` (or the state view
 *    and the events after its version), read from the store in pages.
 * 3. Then for each notification whose range goes past the last event
 *    delivered, it reads the store after that event. Notifications that
 *    arrive twice or out of order (two instances appending) add nothing; a
 *    notification that was lost (a crash between the store append and the
 *    notice) is made up by the next one or by the poll every `pollMs`.
 * 4. Event ids are consecutive, and the feed only yields the event right
 *    after the last one it yielded: no gap, no duplicate.
 * 5. Every event is filtered for the viewer; once the viewer's seat is freed
 *    before the start (`PlayerLeft` while waiting), the feed goes on as a
 *    spectator's, so its next occupant's hand is never shown to the leaver.
 */
export async function* gameFeed(deps: GameFeedDeps, opts: GameFeedOptions): AsyncGenerator<GameFeedStep> {
  const { store, rooms, feeds, pollMs = 15_000 } = deps;
  const { gameId, signal } = opts;
  let viewer = opts.viewer;
  const notifications = await feeds.follow({
    stream: toGameStream(gameId),
    lastEventId: null,
    signal,
    transport: opts.transport,
    ...(opts.disconnect ? { disconnect: opts.disconnect } : {}),
    describe: `game ${gameId}`,
  });
  const room = await rooms.current(gameId);
  if (room.state.status === "none") throw new GameNotFoundError(gameId);
  let last: number;
  if (opts.lastEventId === null) {
    last = room.state.version;
    yield { kind: "state", version: last, state: playerView(room.state, viewer) };
  } else {
    // An id beyond the log would silently skip the events up to it.
    if (opts.lastEventId > room.state.version) throw new ValidationError(`lastEventId ${opts.lastEventId} is beyond game ${gameId}'s last event ${room.state.version}`, "lastEventId");
    last = opts.lastEventId;
  }

  async function* readOn(): AsyncGenerator<GameFeedStep> {
    for (;;) {
      const page = await store.read(gameId, { after: last, limit: PAGE });
      for (const event of page) {
        if (event.eventId !== last + 1) return; // cannot happen (reads are gapless); stop rather than skip
        last = event.eventId;
        yield { kind: "event", event: toRecord(event, viewer) };
        // The viewer's seat was freed before the start: whoever takes it next is someone else.
        if (viewer !== null && event.type === "PlayerLeft" && event.playerId === viewer && (event.data as { during?: string }).during === "waiting") viewer = null;
      }
      if (page.length < PAGE || signal.aborted) return;
    }
  }

  const iterator = notifications[Symbol.asyncIterator]();
  try {
    yield* readOn();
    yield { kind: "caught_up", lastEventId: last };
    let next = iterator.next();
    while (!signal.aborted) {
      const poll = pollTimer(pollMs, signal);
      const woke = await Promise.race([next, poll.fired]);
      poll.cancel();
      if (woke === "poll") {
        yield* readOn();
        continue;
      }
      if (woke.done) return;
      next = iterator.next();
      const to = notifiedUpTo(woke.value[1]);
      if (to === undefined || to > last) yield* readOn();
    }
  } finally {
    void Promise.resolve(iterator.return?.(undefined)).catch(() => {});
  }
}

/** The `to` of a notification entry (undefined for anything else, e.g. an `events_lost` notice: then the feed reads anyway). */
function notifiedUpTo(item: unknown): number | undefined {
  const entry = (item as { toJSON?: () => unknown } | null)?.toJSON?.() as { data?: Partial<GameNotification> } | undefined;
  const to = entry?.data?.to;
  return typeof to === "number" ? to : undefined;
}

/** `fired` resolves "poll" after `ms`, or at once when `signal` aborts; `cancel` drops the timer (a notification came first). */
function pollTimer(ms: number, signal: AbortSignal): { fired: Promise<"poll">; cancel(): void } {
  let cancel = () => {};
  const fired = new Promise<"poll">((resolve) => {
    const done = () => {
      cancel();
      resolve("poll");
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    cancel = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
    };
  });
  return { fired, cancel };
}
