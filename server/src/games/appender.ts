import type { GameRejection } from "@gamejournal/shared";
import { GameJournalError } from "../errors.ts";
import { KeyedLock } from "./keyed-lock.ts";
import type { GameMetrics } from "./metrics.ts";
import type { Notify } from "./notifier.ts";
import { fromRules } from "./rejections.ts";
import { foldRoom, summaryOf, type Room } from "./room.ts";
import type { Rooms } from "./rooms.ts";
import { fold, type Decision } from "./rules/index.ts";
import { ConcurrencyError, type AppendResult, type GameEventStore } from "./store/index.ts";

/** What one decided command came to: its append (or the first one, for a command id applied before), or a refusal. */
export type Applied = { ok: true; result: AppendResult } | { ok: false; rejected: GameRejection };

/** Attempts at one command when other writers keep getting there first. */
const MAX_ATTEMPTS = 8;

export interface AppenderDeps {
  store: GameEventStore;
  rooms: Rooms;
  notify: Notify;
  metrics: GameMetrics;
}

/**
 * Decides a command against a game's state and appends what it decided:
 *
 * 1. Only an accepted decision appends; a refusal appends nothing.
 * 2. The decision is made on the game's state at version v and appended
 *    with `expectedVersion = v`. When another writer (this instance or
 *    another) got there first the append fails with a ConcurrencyError, the
 *    room reads the events it missed and the command is decided again
 *    (bounded: MAX_ATTEMPTS). So of commands racing at one version exactly
 *    one is appended, and each is decided on the state it is appended to.
 *    Commands of one game on one instance wait for each other (KeyedLock)
 *    rather than race.
 * 3. Deciding starts from this instance's cached room without reading the
 *    store first. A deviation from "validate the cache before deciding", on
 *    purpose: the compare-and-set append is that validation for an accepted
 *    command, and saves a read per command (three round trips on FerretDB).
 *    A refusal is only answered after reading the events after the cached
 *    version (and deciding again if there were any), so nothing is refused
 *    on a stale state.
 * 4. A command id applied before returns the first result (`duplicate`),
 *    also when deciding it again now would refuse it: a refusal is checked
 *    against `findCommand` first.
 * 5. After each append, and each duplicate (in case the first one's notice
 *    was lost in a crash), the game's live readers are notified.
 */
export class Appender {
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: AppenderDeps) {}

  /** Decides with `decideOn` and appends under the stored command id `key` (null: never deduplicated). */
  apply(gameId: string, key: string | null, decideOn: (room: Room) => Decision): Promise<Applied> {
    const { store, rooms, metrics } = this.deps;
    return this.lock.run(gameId, async () => {
      let room = await rooms.cached(gameId);
      let fresh = false;
      for (let attempt = 1; ; attempt++) {
        const decision = decideOn(room);
        if (!decision.ok) {
          if (!fresh) {
            fresh = true;
            const caught = await rooms.catchUp(gameId, room);
            if (caught.state.version !== room.state.version) {
              room = caught;
              continue;
            }
          }
          const first = key ? await store.findCommand(gameId, key) : null;
          if (first) return this.announced(gameId, first);
          return { ok: false, rejected: fromRules(decision) };
        }
        if (attempt > MAX_ATTEMPTS) throw new GameJournalError("CONFLICT", `game ${gameId}: other writers got there first ${MAX_ATTEMPTS} times; send the command again`);
        let result: AppendResult;
        try {
          result = await store.append(gameId, room.state.version, decision.events, key, { summary: summaryOf(fold(decision.events, room.state)) });
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          metrics.conflict();
          room = await rooms.catchUp(gameId, room);
          fresh = true;
          continue;
        }
        if (!result.duplicate) {
          const next = rooms.remember(gameId, foldRoom(result.events, room));
          rooms.maybeSnapshot(gameId, room.state.version, next);
        }
        return this.announced(gameId, result);
      }
    });
  }

  private async announced(gameId: string, result: AppendResult): Promise<Applied> {
    const first = result.events[0]?.eventId;
    if (first !== undefined) await this.deps.notify(gameId, first, result.version);
    return { ok: true, result };
  }
}
