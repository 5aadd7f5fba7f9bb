import type { Logger } from "../log.ts";
import { emptyRoom, evolveRoom, fromSnapshot, toSnapshot, type Room } from "./room.ts";
import type { GameEventStore } from "./store/index.ts";

export interface RoomsOptions {
  store: GameEventStore;
  logger: Logger;
  /** Rooms kept in memory (least recently used beyond it are dropped; default 10,000). */
  maxCached?: number;
  /** A snapshot is saved each time a game's version crosses a multiple of this (default 100). */
  snapshotEvery?: number;
}

/** Events read per page while folding a log. */
const PAGE = 1_000;

/**
 * Loads games from the event store and keeps the recent ones in memory.
 *
 * 1. A game is loaded from its newest snapshot (when there is one this
 *    version can read) plus the events after it, folded with `evolveRoom`;
 *    without a snapshot, from its whole log. So snapshots only make loading
 *    faster: any state here equals a fold of the full log.
 * 2. The cache is a hint: it may be behind the store (another instance
 *    appended). `current` reads the events after the cached version before
 *    answering; `cached` does not, and is only for callers that check the
 *    version themselves (a command's compare-and-set append does).
 * 3. A cached room never moves back to an older version.
 */
export class Rooms {
  private readonly cache = new Map<string, Room>();
  private readonly maxCached: number;
  readonly snapshotEvery: number;

  constructor(private readonly opts: RoomsOptions) {
    if (!opts?.store) throw new Error("new rooms: no event store");
    if (!opts.logger) throw new Error("new rooms: no logger");
    this.maxCached = opts.maxCached ?? 10_000;
    this.snapshotEvery = opts.snapshotEvery ?? 100;
  }

  /** The room as this instance last saw it, or a fresh load when it has none. */
  async cached(gameId: string): Promise<Room> {
    const room = this.cache.get(gameId);
    if (room) {
      this.touch(gameId, room);
      return room;
    }
    return this.current(gameId);
  }

  /** The room with every event the store had when the read ended. */
  async current(gameId: string): Promise<Room> {
    return this.catchUp(gameId, this.cache.get(gameId) ?? (await this.fromSnapshot(gameId)));
  }

  /** `room` with the events the store holds after its version. */
  async catchUp(gameId: string, room: Room): Promise<Room> {
    let next = room;
    for (;;) {
      const page = await this.opts.store.read(gameId, { after: next.state.version, limit: PAGE });
      for (const event of page) {
        if (event.eventId !== next.state.version + 1) throw new Error(`game ${gameId}: event ${event.eventId} read after version ${next.state.version}`);
        next = evolveRoom(next, event);
      }
      if (page.length < PAGE) break;
    }
    return this.remember(gameId, next);
  }

  /** Keeps `room` unless a newer one is cached; returns the one kept. */
  remember(gameId: string, room: Room): Room {
    if (room.state.status === "none") return room;
    const known = this.cache.get(gameId);
    const kept = known && known.state.version > room.state.version ? known : room;
    this.touch(gameId, kept);
    return kept;
  }

  /** Saves a snapshot when an append moved the game across a multiple of `snapshotEvery` (in the background; a failure is only logged). */
  maybeSnapshot(gameId: string, before: number, room: Room): void {
    const every = this.snapshotEvery;
    if (every <= 0 || Math.floor(room.state.version / every) === Math.floor(before / every)) return;
    void this.opts.store.saveSnapshot(gameId, room.state.version, toSnapshot(room)).catch((error: unknown) => {
      this.opts.logger.warn({ err: error, gameId, version: room.state.version }, "game snapshot not saved (loading reads more of the log until the next one)");
    });
  }

  /** Games held in memory that are not finished (the `games open` gauge of this instance). */
  openCount(): number {
    let n = 0;
    for (const room of this.cache.values()) if (room.state.status === "waiting" || room.state.status === "playing") n++;
    return n;
  }

  private async fromSnapshot(gameId: string): Promise<Room> {
    const snapshot = await this.opts.store.loadSnapshot(gameId);
    if (!snapshot) return emptyRoom();
    const room = fromSnapshot(snapshot);
    if (!room) this.opts.logger.warn({ gameId, version: snapshot.version }, "ignoring a game snapshot this version cannot read; folding the whole log");
    return room ?? emptyRoom();
  }

  private touch(gameId: string, room: Room): void {
    this.cache.delete(gameId);
    this.cache.set(gameId, room);
    if (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
