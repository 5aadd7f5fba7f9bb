import { toGameRecordsStream, type CapabilitiesEvaluatedEvent, type GameRecord, type GameRecordChange, type GameRecordUpdate } from "@gamejournal/shared";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import type { CapabilityPublisher } from "./capability.ts";
import type { GameStore, UpdateStatusInput } from "./game-store.ts";

/** Entries kept per game's records stream (about): how far back a live subscriber can resume. */
export const GAME_RECORDS_STREAM_MAXLEN = 1_000;

export interface GameRecordFeedDeps {
  journal: JournalingApi;
  /** The store the records are read back from (the undecorated one). */
  games: GameStore;
  clock: Clock;
  logger: Logger;
  maxLen?: number;
}

type Detail = Omit<GameRecordUpdate, "game_id" | "record">;

/**
 * Journals each change of a game record on the game's own stream
 * (`lobby:{<game_id>}:records`, shared `toGameRecordsStream`), which live
 * subscribers follow (`LiveFeeds.follow`): an entry of type
 * GameRecordChange whose data is the record as read just after the change.
 *
 * Guarantees:
 * 1. An entry is appended only after its change was stored, never for a
 *    change that did not happen.
 * 2. Finishes and evaluations are announced once. Both are keyed
 *    (`game_finished:<id>`, `capabilities_evaluated:<id>`), and the
 *    evaluation path (`announcingPublisher`) announces both and rejects if
 *    it cannot: the gm events worker then holds its entry and retries until
 *    both are journaled, the journal dropping a repeat of a key. A crash
 *    between finishing a game and announcing it loses nothing.
 * 3. Every other change is announced at most once, best effort: a failure
 *    to read the record back or to append is logged, not thrown (the change
 *    stands, and the record as read is the truth), and a crash between a
 *    change and its entry loses that entry. A Game Master entry handled
 *    again after a crash announces its snapshot again.
 */
export class GameRecordFeed {
  private readonly maxLen: number;

  constructor(private readonly deps: GameRecordFeedDeps) {
    const missing = (["journal", "games", "clock", "logger"] as const).find((name) => !deps?.[name]);
    if (missing) throw new Error(`new game record feed: no ${missing}`);
    this.maxLen = deps.maxLen ?? GAME_RECORDS_STREAM_MAXLEN;
  }

  /** Appends the change; rejects if it could not (the record unknown, the journal failing). */
  async announce(type: GameRecordChange, game: GameRecord | string, detail: Detail = {}, { key }: { key?: string } = {}): Promise<void> {
    const record = typeof game === "string" ? await this.deps.games.get(game) : game;
    if (!record) throw new Error(`announce ${type}: no game ${String(game)}`);
    const data: GameRecordUpdate = { game_id: record.game_id, record, ...detail };
    await this.deps.journal.append([
      { stream: toGameRecordsStream(record.game_id), maxLen: this.maxLen, event: { type, ts: this.deps.clock.now(), data, ...(key ? { key } : {}) } },
    ]);
  }

  /** `announce`, logging a failure instead of rejecting (point 3). */
  async tryAnnounce(type: GameRecordChange, game: GameRecord | string, detail: Detail = {}, opts: { key?: string } = {}): Promise<void> {
    try {
      await this.announce(type, game, detail, opts);
    } catch (error) {
      const gameId = typeof game === "string" ? game : game.game_id;
      this.deps.logger.warn({ game_id: gameId, change: type, err: (error as Error).message }, "could not journal a game record change");
    }
  }
}

export const gameFinishedKey = (gameId: string) => `game_finished:${gameId}`;

/**
 * `games` announcing every change it stores on `feed`: creation, members,
 * status changes (into `finished`: `game_finished`, keyed) and runtime
 * snapshots. Reads pass through. Both the API and the gm events worker write
 * through it, so every record change reaches the feed the same way.
 */
export function announcingGameStore(games: GameStore, feed: GameRecordFeed): GameStore {
  return {
    init: () => games.init(),
    get: (gameId) => games.get(gameId),
    list: (options) => games.list(options),
    async create(input) {
      const record = await games.create(input);
      await feed.tryAnnounce("game_created", record);
      return record;
    },
    async addMember(gameId, userId, at) {
      const added = await games.addMember(gameId, userId, at);
      if (added) await feed.tryAnnounce("member_added", gameId, { user_id: userId });
      return added;
    },
    async removeMember(gameId, userId, at) {
      const removed = await games.removeMember(gameId, userId, at);
      if (removed) await feed.tryAnnounce("member_removed", gameId, { user_id: userId });
      return removed;
    },
    async updateStatus(input: UpdateStatusInput) {
      await games.updateStatus(input);
      const arrow = { from: input.expectedFrom, to: input.to, trigger: input.trigger };
      if (input.to === "finished") await feed.tryAnnounce("game_finished", input.gameId, arrow, { key: gameFinishedKey(input.gameId) });
      else await feed.tryAnnounce("status_changed", input.gameId, arrow);
    },
    async updateRuntimeSnapshot(gameId, snapshot, at) {
      await games.updateRuntimeSnapshot(gameId, snapshot, at);
      await feed.tryAnnounce("runtime_snapshot_updated", gameId);
    },
  };
}

/**
 * `inner` (the `lobby:events` publisher), then the game's records stream:
 * its `game_finished` (a no-op repeat unless a crash lost the first; the
 * arrow's `from` is then unknown and left out) and its
 * `capabilities_evaluated`, each keyed. Rejects if any of the three could
 * not be journaled, so the evaluation is retried (point 2).
 */
export function announcingPublisher(inner: CapabilityPublisher, feed: GameRecordFeed): CapabilityPublisher {
  return {
    async publish(event: CapabilitiesEvaluatedEvent) {
      await inner.publish(event);
      const { type: _type, key: _key, ...evaluation } = event;
      await feed.announce("game_finished", event.game_id, { to: "finished", trigger: "runtime_event" }, { key: gameFinishedKey(event.game_id) });
      await feed.announce("capabilities_evaluated", event.game_id, { evaluation }, { key: event.key });
    },
  };
}
