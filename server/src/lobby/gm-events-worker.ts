import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import { sleep } from "../util/abort.ts";
import type { GameStore } from "./game-store.ts";
import type { GmEventSource, GmStreamEntry } from "./gm-event-source.ts";
import { GmEventsHandler, type GameFinishEvaluator } from "./gm-events-handler.ts";
import { noLobbyMetrics, type LobbyMetrics } from "./metrics.ts";
import type { OffsetStore } from "./offset-store.ts";
import type { StatsStore } from "./stats-store.ts";

/**
 * The worker that consumes the Game Master's runtime events from
 * `gm:lobby_events` (seed 004's `gmevents` consumer): it keeps each game's
 * runtime snapshot current, feeds the per-player stats aggregate, moves a
 * game to `finished` and hands it to capability evaluation.
 *
 * Two kinds are understood (gm-event.ts): `runtime_snapshot_update` (the
 * snapshot and the stats) and `game_finished` (the same, then the status
 * transition running/paused → finished with trigger `runtime_event`, then
 * capability evaluation with the record's stored `finished_at`).
 *
 * Replay protection rests on three ingredients:
 *
 * 1. The transition to `finished` is the game store's compare-and-set, so a
 *    replayed `game_finished` finds the game finished: its conflict (or
 *    invalid transition) is absorbed and the status is left alone. The
 *    metric `lobby_game_transitions_total` counts only a transition that
 *    succeeded, so once per game.
 * 2. Snapshots overwrite a deterministic blob (stamped with this worker's
 *    clock), and stats are a frozen first observation and per-component
 *    maxima: re-applying an older event cannot corrupt them.
 * 3. Capability evaluation recognises a replay by its guard and changes
 *    nothing (capability.ts says in which order its effects happen).
 *
 * Offset bookkeeping, exactly as the seed's:
 *
 * 4. The loop reads from the stored offset (`0-0` when none is stored) and
 *    saves an entry's id after it was handled. Entries that cannot be
 *    decoded, unknown kinds, a snapshot for an unknown game, stats errors
 *    and a `game_finished` for a game that is unknown, not running/paused/
 *    finished, not finished after the transition attempt, or without
 *    `finished_at` are logged and handled: the offset moves on. A failure to
 *    load the game, a status error other than a conflict, a failure to
 *    reload it, and a failed capability evaluation hold the offset: the
 *    same entry is retried (after a pause growing from `holdRetryMs.min` to
 *    `.max`; the seed retried at once) and nothing after it is handled
 *    before it.
 * 5. One deliberate difference from the seed: a snapshot or stats write
 *    that fails because the store is unreachable (UnavailableError) holds
 *    the offset too, instead of being logged and passed over. The seed
 *    counted on the offset save failing in the same outage; had the store
 *    come back in between, the observation would have been lost, and with
 *    it possibly a player's frozen first observation.
 * 6. A failure to load or save the offset, or to read the stream, ends
 *    `run` with an error; the supervisor (gm-events-supervisor.ts) restarts
 *    it from the stored offset.
 *
 * Log lines carry `worker: "lobby.gmevents"`, `stream`, `stream_entry_id`
 * and `game_id`; the gauge `lobby_gm_events_lag_entries` tells how many
 * entries are behind (measured at most once per `lagIntervalMs` while the
 * worker reads full batches, and counted down as it handles them).
 */

/** The worker's label in the offset store, stable when the stream key is renamed. */
export const GM_EVENTS_OFFSET_LABEL = "gm_lobby_events";

export interface GmEventsWorkerConfig {
  /** Where the entries come from: the Redis stream, or the journal when embedded. */
  source: GmEventSource;
  /** Snapshot updates and the game-finished transitions. */
  games: GameStore;
  /** The per-player stats aggregate fed by every event. */
  stats: StatsStore;
  /** Runs capability evaluation after a game finished (a `CapabilityEvaluator`). */
  capability: GameFinishEvaluator;
  /** The last handled entry id, under GM_EVENTS_OFFSET_LABEL. */
  offsets: OffsetStore;
  /** Snapshot times, and `finished_at` when the event carries none. */
  clock: Clock;
  logger: Logger;
  /** Transitions and lag; optional (the seed's nil telemetry). */
  metrics?: LobbyMetrics | undefined;
  /** How long one read waits for new entries (default 2000 ms). */
  blockMs?: number | undefined;
  /** Entries per read (default 100; the seed read 1). */
  batch?: number | undefined;
  /** Pause before retrying a held entry: `min` first, doubling up to `max` (default 100 ms to 5 s). */
  holdRetryMs?: { min: number; max: number } | undefined;
  /** Least time between two measurements of the backlog (default 5000 ms). */
  lagIntervalMs?: number | undefined;
}

const LAG_CAP = 10_000;

export class GmEventsWorker {
  private readonly handler: GmEventsHandler;
  private readonly log: Logger;
  private readonly metrics: LobbyMetrics;
  private readonly blockMs: number;
  private readonly batch: number;
  private readonly hold: { min: number; max: number };
  private readonly lagIntervalMs: number;
  private running = false;
  private lag = { beyond: 0, measuredAt: -Infinity };

  constructor(private readonly config: GmEventsWorkerConfig) {
    const c = config ?? ({} as GmEventsWorkerConfig);
    const missing = ([
      ["source", "gm event source"],
      ["games", "game store"],
      ["stats", "game turn stats store"],
      ["capability", "capability evaluator"],
      ["offsets", "offset store"],
      ["clock", "clock"],
      ["logger", "logger"],
    ] as const).find(([key]) => !c[key]);
    if (missing) throw new Error(`new gm events consumer: no ${missing[1]}`);
    this.blockMs = c.blockMs ?? 2_000;
    if (!(this.blockMs > 0)) throw new Error("new gm events consumer: block timeout must be positive");
    this.batch = c.batch ?? 100;
    if (!Number.isInteger(this.batch) || this.batch < 1) throw new Error("new gm events consumer: batch must be a positive integer");
    this.hold = c.holdRetryMs ?? { min: 100, max: 5_000 };
    this.lagIntervalMs = c.lagIntervalMs ?? 5_000;
    this.metrics = c.metrics ?? noLobbyMetrics;
    this.log = c.logger.child({ worker: "lobby.gmevents", stream: c.source.stream });
    this.handler = new GmEventsHandler({ games: c.games, stats: c.stats, capability: c.capability, clock: c.clock, logger: this.log, metrics: this.metrics });
  }

  /**
   * Reads and handles entries until `signal` aborts (then resolves, after
   * finishing the entry in hand and saving its offset), or rejects on a
   * failure to load or save the offset or to read the stream (point 6).
   * `onRead` is told after each successful read (the supervisor's sign that
   * an outage is over). `leaseLeft` is the lease's `remaining()`: at 0 the
   * run handles nothing more (a holder paused past the lease's TTL does not
   * go on from where it was once another may have taken over). One run at a time.
   */
  async run(signal: AbortSignal, { onRead, leaseLeft = () => Infinity }: { onRead?: () => void; leaseLeft?: () => number } = {}): Promise<void> {
    if (this.running) throw new Error("run gm events consumer: already running");
    if (signal.aborted) return;
    this.running = true;
    try {
      let lastId = await this.loadOffset();
      this.log.info({ block_timeout_ms: this.blockMs, start_entry_id: lastId }, "gm events consumer started");
      let held: { id: string; attempts: number } | undefined;
      while (!signal.aborted) {
        let entries: GmStreamEntry[];
        try {
          entries = await this.config.source.read(lastId, { count: this.batch, blockMs: this.blockMs, signal });
        } catch (error) {
          if (signal.aborted) break;
          throw new Error(`run gm events consumer: read ${this.config.source.stream}: ${(error as Error).message}`, { cause: error });
        }
        onRead?.();
        let behind = await this.measureLag(entries);
        for (const entry of entries) {
          if (leaseLeft() <= 0) break; // the lease is being lost: the signal aborts
          const handled = await this.handler.handle(entry, { retry: held?.id === entry.id });
          if (!handled) {
            held = held?.id === entry.id ? { id: entry.id, attempts: held.attempts + 1 } : { id: entry.id, attempts: 1 };
            await sleep(Math.min(this.hold.min * 2 ** (held.attempts - 1), this.hold.max), signal);
            break;
          }
          if (held?.id === entry.id) this.log.info({ stream_entry_id: entry.id, attempts: held.attempts + 1 }, "held gm event handled; moving on");
          held = undefined;
          await this.saveOffset(entry.id);
          lastId = entry.id;
          this.metrics.setGmEventsLag(--behind);
          if (signal.aborted) break;
        }
      }
    } finally {
      this.running = false;
      this.log.info({}, "gm events consumer stopped");
    }
  }

  private async loadOffset(): Promise<string> {
    try {
      const { id, found } = await this.config.offsets.load(GM_EVENTS_OFFSET_LABEL);
      return found ? id : "0-0";
    } catch (error) {
      throw new Error(`run gm events consumer: load offset: ${(error as Error).message}`, { cause: error });
    }
  }

  private async saveOffset(id: string): Promise<void> {
    try {
      await this.config.offsets.save(GM_EVENTS_OFFSET_LABEL, id);
    } catch (error) {
      throw new Error(`run gm events consumer: save offset: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Entries behind once this batch is read: the batch, plus those after it (none when the batch was not full). */
  private async measureLag(entries: GmStreamEntry[]): Promise<number> {
    const last = entries.at(-1);
    if (!last || entries.length < this.batch) {
      this.lag.beyond = 0;
    } else if (this.config.clock.now() - this.lag.measuredAt >= this.lagIntervalMs) {
      this.lag.measuredAt = this.config.clock.now();
      this.lag.beyond = await this.config.source.backlog(last.id, LAG_CAP).catch(() => this.lag.beyond);
    } else {
      this.lag.beyond = Math.max(0, this.lag.beyond - entries.length);
    }
    const behind = entries.length + this.lag.beyond;
    this.metrics.setGmEventsLag(behind);
    return behind;
  }
}
