import { GameJournalError, NotFoundError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import { ConflictError, InvalidTransitionError } from "./errors.ts";
import type { GameStore } from "./game-store.ts";
import { decodeGmEvent, GAME_FINISHED, type GmEvent } from "./gm-event.ts";
import type { GmStreamEntry } from "./gm-event-source.ts";
import type { LobbyMetrics } from "./metrics.ts";
import type { StatsStore } from "./stats-store.ts";

/** What the worker needs of capability evaluation (see capability.ts). */
export interface GameFinishEvaluator {
  /** Rejects on a failure worth retrying (a store error); the worker then holds its offset. */
  evaluate(gameId: string, finishedAt: number): Promise<unknown>;
}

export interface GmEventsHandlerDeps {
  games: GameStore;
  stats: StatsStore;
  capability: GameFinishEvaluator;
  clock: Clock;
  /** Already carries `worker` and `stream`. */
  logger: Logger;
  metrics: LobbyMetrics;
}

type Fields = Record<string, unknown>;

/**
 * Handles one `gm:lobby_events` entry and says whether the offset may move
 * past it (true) or must hold so the same entry is retried (false). The
 * seed's `HandleMessage`, point by point; see gm-events-worker.ts for the
 * guarantees. `retry` marks a repeated attempt at a held entry: its
 * warnings are logged at debug, so an outage logs each reason once.
 */
export class GmEventsHandler {
  constructor(private readonly deps: GmEventsHandlerDeps) {}

  async handle(entry: GmStreamEntry, { retry = false }: { retry?: boolean } = {}): Promise<boolean> {
    const log = this.deps.logger;
    const warn = (fields: Fields, msg: string) => (retry ? log.debug : log.warn).call(log, fields, msg);
    let event: GmEvent;
    try {
      event = decodeGmEvent(entry.fields);
    } catch (error) {
      log.warn({ stream_entry_id: entry.id, err: (error as Error).message }, "decode gm event");
      return true;
    }
    const ctx = { stream_entry_id: entry.id, game_id: event.gameId };
    const at = this.deps.clock.now();
    if (!(await this.applySnapshot(event, at, ctx, warn))) return false;
    return event.kind === GAME_FINISHED ? this.finish(event, at, ctx, warn) : true;
  }

  /**
   * The snapshot, then the stats (both kinds). An unknown game's snapshot is
   * ignored; any other error is logged and absorbed, as the seed does,
   * except a store that is unreachable: that holds the entry (false), so
   * an outage cannot drop an observation (see gm-events-worker.ts, point 5).
   */
  private async applySnapshot(event: GmEvent, at: number, ctx: Fields, warn: (f: Fields, m: string) => void): Promise<boolean> {
    const final = event.kind === GAME_FINISHED;
    const steps: Array<[string, () => Promise<unknown>]> = [
      [final ? "apply final runtime snapshot" : "apply runtime snapshot", () => this.deps.games.updateRuntimeSnapshot(event.gameId, event.snapshot, at)],
    ];
    if (event.playerStats.length > 0) {
      steps.push(
        [final ? "save initial player stats on finish" : "save initial player stats", () => this.deps.stats.saveInitial(event.gameId, event.playerStats, at)],
        [final ? "update max player stats on finish" : "update max player stats", () => this.deps.stats.updateMax(event.gameId, event.playerStats, at)],
      );
    }
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        if (error instanceof NotFoundError) continue;
        warn({ ...ctx, err: (error as Error).message }, what);
        if (isUnavailable(error)) return false;
      }
    }
    return true;
  }

  /** The seed's `handleGameFinished` after the snapshot: CAS to finished, reload, evaluate. */
  private async finish(event: GmEvent, at: number, ctx: Fields, warn: (f: Fields, m: string) => void): Promise<boolean> {
    const { games, capability, metrics, logger: log } = this.deps;
    const finishedAt = event.finishedAt ?? at;
    let record;
    try {
      record = await games.get(event.gameId);
    } catch (error) {
      warn({ ...ctx, err: (error as Error).message }, "load game for finish");
      return false;
    }
    if (!record) {
      log.warn(ctx, "game finished for unknown game id");
      return true;
    }
    switch (record.status) {
      case "running":
      case "paused":
        try {
          await games.updateStatus({ gameId: record.game_id, expectedFrom: record.status, to: "finished", trigger: "runtime_event", at: finishedAt });
          metrics.transition(record.status, "finished", "runtime_event");
          log.info({ ...ctx, from_status: record.status, to_status: "finished", trigger: "runtime_event" }, "game finished");
        } catch (error) {
          if (!(error instanceof ConflictError || error instanceof InvalidTransitionError)) {
            warn({ ...ctx, err: (error as Error).message }, "transition game to finished");
            return false;
          }
          log.info(ctx, "game finished transition absorbed by status conflict");
        }
        break;
      case "finished":
        log.info(ctx, "game finished event observed for already finished game");
        break;
      default:
        log.info({ ...ctx, current_status: record.status }, "game finished event ignored for unexpected status");
        return true;
    }
    let refreshed;
    try {
      refreshed = await games.get(event.gameId);
      if (!refreshed) throw new NotFoundError(`game ${event.gameId} not found`);
    } catch (error) {
      warn({ ...ctx, err: (error as Error).message }, "reload finished game record");
      return false;
    }
    if (refreshed.status !== "finished") {
      log.warn({ ...ctx, current_status: refreshed.status }, "game record not finished after transition attempt");
      return true;
    }
    if (refreshed.finished_at === null) {
      log.warn(ctx, "finished game missing finished_at");
      return true;
    }
    try {
      await capability.evaluate(refreshed.game_id, Date.parse(refreshed.finished_at));
    } catch (error) {
      warn({ ...ctx, err: (error as Error).message }, "capability evaluation failed");
      return false;
    }
    log.info(ctx, "game finished processed");
    return true;
  }
}

/** The store could not be reached (MongoDB away): retrying later may succeed. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof GameJournalError && error.code === "UNAVAILABLE";
}
