import type { GameSummary, NewEvent, StoredEvent } from "../../server/src/games/store/index.ts";

/** Small builders shared by the game event store suites. */

export const ev = (type: string, data: unknown = { n: 1 }, playerId: number | null = 1): NewEvent => ({ type, playerId, data });
export const ids = (events: StoredEvent[]) => events.map((e) => e.eventId);
export const summary = (status: GameSummary["status"], names: string[] = ["ann"]): GameSummary => ({
  status,
  numPlayers: 2,
  players: names.map((name, i) => ({ playerId: i + 1, name })),
});

export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

