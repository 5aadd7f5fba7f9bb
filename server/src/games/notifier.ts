import { toGameStream } from "@gamejournal/shared";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";

/** Tells live readers on every instance that a game has new events. */
export type Notify = (gameId: string, from: number, to: number) => Promise<void>;

/** The type of a notification entry in a game's journal stream. */
export const GAME_NOTIFICATION = "game_events";

/** What a notification entry's data holds. */
export interface GameNotification {
  game_id: string;
  from: number;
  to: number;
}

/**
 * Appends `{game_id, from, to}` to the game's capped journal stream
 * (`game:{<gameId>}:events`) after its events are in the event store. It is
 * a wake-up, not the data: readers read the events from the store, so a
 * notification lost (a crash between the two appends, the journal out of
 * reach) delays delivery until the next one or the readers' poll, and
 * loses nothing. A failure is logged, never thrown: the command it follows
 * is already applied.
 */
export function journalNotifier({ journal, clock, logger, maxLen = 1_000 }: { journal: JournalingApi; clock: Clock; logger: Logger; maxLen?: number }): Notify {
  if (!journal) throw new Error("game notifier: no journal");
  return async function notifyGame(gameId, from, to) {
    const data: GameNotification = { game_id: gameId, from, to };
    try {
      await journal.append([{ stream: toGameStream(gameId), event: { type: GAME_NOTIFICATION, ts: clock.now(), data }, maxLen }]);
    } catch (error) {
      logger.warn({ err: error, gameId, from, to }, "game notification not journaled; live readers catch up at their next poll");
    }
  };
}
