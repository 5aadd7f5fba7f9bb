import type { ReplayReport } from "@gamejournal/shared";
import { NotFoundError } from "../errors.ts";
import { digestOf } from "./digest.ts";
import { emptyRoom, evolveRoom, fromSnapshot, type Room } from "./room.ts";
import type { GameEventStore } from "./store/index.ts";

/** Events read per page by a replay (the store's largest page). */
const PAGE = 10_000;

export interface ReplayOptions {
  /** Called after each page of a log longer than one page: events folded so far. */
  onProgress?: (progress: { gameId: string; events: number; seconds: number }) => void;
}

/**
 * Rebuilds a game from its log alone: every event from id 1, folded with
 * the rules (the deal is in `GameStarted`, so no seed or shuffle is needed).
 * Checks the stored snapshot, if any, against the fold at the snapshot's
 * version (the digests of the two states must agree). Reads nothing else
 * and writes nothing.
 */
export async function replayGame(store: GameEventStore, gameId: string, opts: ReplayOptions = {}): Promise<{ report: ReplayReport; room: Room }> {
  const started = performance.now();
  const snapshot = await store.loadSnapshot(gameId);
  let snapshotCheck: ReplayReport["snapshot"] = null;
  const checkSnapshot = (room: Room) => {
    if (!snapshot || room.state.version !== snapshot.version) return;
    const stored = fromSnapshot(snapshot);
    const digest = stored ? digestOf(stored.state) : digestOf(snapshot.state);
    snapshotCheck = { version: snapshot.version, digest, matches: stored !== null && digest === digestOf(room.state) && digestOf(stored.joinedAt) === digestOf(room.joinedAt) };
  };
  let room = emptyRoom();
  for (;;) {
    const page = await store.read(gameId, { after: room.state.version, limit: PAGE });
    for (const event of page) {
      if (event.eventId !== room.state.version + 1) throw new Error(`replay ${gameId}: event ${event.eventId} after version ${room.state.version}`);
      room = evolveRoom(room, event);
      checkSnapshot(room);
    }
    if (page.length < PAGE) break;
    opts.onProgress?.({ gameId, events: room.state.version, seconds: (performance.now() - started) / 1000 });
  }
  if (room.state.status === "none") throw new NotFoundError(`there is no game ${gameId}`);
  // A snapshot beyond the log (it cannot be: snapshots are saved at versions the log has) would not match.
  if (snapshot && !snapshotCheck) snapshotCheck = { version: snapshot.version, digest: digestOf(snapshot.state), matches: false };
  const seconds = (performance.now() - started) / 1000;
  const events = room.state.version;
  return {
    room,
    report: {
      gameId,
      version: room.state.version,
      events,
      status: room.state.status,
      digest: digestOf(room.state),
      snapshot: snapshotCheck,
      seconds: Math.round(seconds * 1e6) / 1e6,
      eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
    },
  };
}
