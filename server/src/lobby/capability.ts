import type { CapabilitiesEvaluatedEvent, CapabilityEvaluation, PlayerStatsAggregate } from "@gamejournal/shared";
import type { Clock } from "../platform/clock.ts";
import type { CapabilityStore } from "./capability-store.ts";
import type { EvaluationGuardStore } from "./evaluation-guard-store.ts";
import type { GameStore } from "./game-store.ts";
import type { StatsStore } from "./stats-store.ts";

/** Where the evaluator announces an evaluated game (the integrator journals it on `lobby:events`). */
export interface CapabilityPublisher {
  /**
   * Publishes the event; rejects if it may not have been published. Called
   * again with the identical event (same `key`) after a crash or a failure,
   * so a publisher should drop a repeat of a key it took (the journal's
   * idempotency keys do).
   */
  publish(event: CapabilitiesEvaluatedEvent): Promise<void>;
}

/**
 * The lobby service's rule: a player is capable when, over the game, both
 * their planets and their population rose above their first observation
 * (`max.planets > initial.planets` and `max.population > initial.population`).
 * A member with no stats (never observed, or only half of the aggregate
 * stored) is not capable: nothing shows growth.
 */
export function isCapable(stats: PlayerStatsAggregate | undefined): boolean {
  if (!stats?.initial || !stats.max) return false;
  return stats.max.planets > stats.initial.planets && stats.max.population > stats.initial.population;
}

export type EvaluationOutcome =
  | { evaluated: true; evaluation: CapabilityEvaluation }
  | { evaluated: false; reason: "already_evaluated" | "unknown_game" | "not_finished" };

export interface CapabilityEvaluatorDeps {
  games: GameStore;
  stats: StatsStore;
  capabilities: CapabilityStore;
  guard: EvaluationGuardStore;
  publisher: CapabilityPublisher;
  clock: Clock;
}

/**
 * Capability evaluation at game finish (the seed's `CapabilityEvaluator`).
 * Runs only for a game that is `finished` and has `finished_at`; evaluates
 * every current member with `isCapable`, stores the results and publishes
 * one `capabilities_evaluated` event for the game.
 *
 * Effects happen once, across crashes and replays, by their order:
 *
 * 1. The guard is read first: a game marked done is a replay, and nothing
 *    is read or written further.
 * 2. The results are stored with `CapabilityStore.save`, which keeps the
 *    first evaluation of a game: a retry after a crash (or a racing
 *    evaluator) goes on with the stored results, not new ones.
 * 3. The event is published from the stored results, with the key
 *    `capabilities_evaluated:<game_id>`: a retry publishes the identical
 *    event, which the journal drops as a repeat of its key.
 * 4. The guard is set last, only once the results are stored and
 *    published. A crash before it loses nothing (the retry redoes 2 and 3,
 *    both idempotent); a crash after it repeats nothing.
 *
 * Any store or publisher failure rejects, with whatever steps were done
 * left for the retry to complete; the gm events worker then holds its
 * offset and retries the same entry.
 */
export class CapabilityEvaluator {
  constructor(private readonly deps: CapabilityEvaluatorDeps) {
    const missing = (["games", "stats", "capabilities", "guard", "publisher", "clock"] as const).find((name) => !deps?.[name]);
    if (missing) throw new Error(`new capability evaluator: no ${missing === "guard" ? "evaluation guard" : missing}`);
  }

  /** Evaluates the finished game; `finishedAt` (epoch ms) is the record's `finished_at`. */
  async evaluate(gameId: string, finishedAt: number): Promise<EvaluationOutcome> {
    const { games, stats, capabilities, guard, publisher, clock } = this.deps;
    if ((await guard.markedAt(gameId)) !== null) return { evaluated: false, reason: "already_evaluated" };
    const game = await games.get(gameId);
    if (!game) return { evaluated: false, reason: "unknown_game" };
    if (game.status !== "finished" || game.finished_at === null) return { evaluated: false, reason: "not_finished" };
    const aggregate = await stats.get(gameId);
    const byUser = new Map(aggregate.players.map((p) => [p.user_id, p]));
    const evaluation = await capabilities.save(gameId, {
      evaluatedAt: clock.now(),
      finishedAt,
      players: game.members.map((user_id) => ({ user_id, capable: isCapable(byUser.get(user_id)) })),
    });
    await publisher.publish({ type: "capabilities_evaluated", key: `capabilities_evaluated:${gameId}`, ...evaluation });
    await guard.tryMark(gameId, clock.now());
    return { evaluated: true, evaluation };
  }
}
