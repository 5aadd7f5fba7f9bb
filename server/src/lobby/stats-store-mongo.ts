import type { GameStats, ObservedStats } from "@gamejournal/shared";
import type { Collection, Db } from "mongodb";
import { ConflictError } from "./errors.ts";
import { toGameId } from "./ids.ts";
import { ensureIndexes, guardMongo, insertUnique } from "./mongo-support.ts";
import { maxOf, parseObservations, sameStats, statsOf, toGameStats, type PlayerObservation, type StatsStore } from "./stats-store.ts";

interface InitialDocument extends ObservedStats {
  game_id: string;
  user_id: string;
  observed_at: Date;
}

/** One value of a player's maximum; the highest `version` is the current one. */
interface MaxDocument extends ObservedStats {
  game_id: string;
  user_id: string;
  version: number;
  updated_at: Date;
}

/** Rounds of "read the newest, insert the next version" before giving up under contention. */
const MAX_ATTEMPTS = 100;

/**
 * `StatsStore` on MongoDB (or FerretDB 1.x, where `$max` is not atomic: see
 * mongo-support.ts). Both halves are inserts into unique indexes:
 *
 * - `lobby_stats_initial`, unique on (game_id, user_id): the first insert
 *   of a player wins and the rest hit the index, so one observation is
 *   frozen whole.
 * - `lobby_stats_max`, unique on (game_id, user_id, version): raising a
 *   maximum reads the newest version, and inserts version + 1 with the
 *   component-wise maximum; losing that insert to a racing writer means
 *   reading again, so no raise is lost. An observation that raises nothing
 *   writes nothing. Older versions are deleted once superseded; a writer
 *   that inserted a version below the newest (its read was older than a
 *   delete) sees the newer one and goes round again with its observation.
 *
 * Players of one call are written one after another; a call that fails part
 * way may have written some of them, which a retry completes (both halves
 * are idempotent).
 */
export class MongoStatsStore implements StatsStore {
  private readonly initial: Collection<InitialDocument>;
  private readonly max: Collection<MaxDocument>;

  constructor(db: Db) {
    if (!db) throw new Error("new mongo stats store: no database handle");
    this.initial = db.collection("lobby_stats_initial");
    this.max = db.collection("lobby_stats_max");
  }

  async init(): Promise<void> {
    await ensureIndexes(this.initial, [{ key: { game_id: 1, user_id: 1 }, name: "game_id_user_id_unique", unique: true }]);
    await ensureIndexes(this.max, [{ key: { game_id: 1, user_id: 1, version: 1 }, name: "game_id_user_id_version_unique", unique: true }]);
  }

  async saveInitial(gameId: string, players: readonly PlayerObservation[], at: number): Promise<void> {
    const input = parseObservations(gameId, players, at, "first");
    for (const { user_id, ...stats } of input.players) {
      await insertUnique("save initial stats", this.initial, { game_id: input.gameId, user_id, ...stats, observed_at: new Date(input.at) });
    }
  }

  async updateMax(gameId: string, players: readonly PlayerObservation[], at: number): Promise<void> {
    const input = parseObservations(gameId, players, at, "max");
    for (const { user_id, ...stats } of input.players) await this.raise(input.gameId, user_id, stats, new Date(input.at));
  }

  private async raise(gameId: string, userId: string, observed: ObservedStats, at: Date): Promise<void> {
    const key = { game_id: gameId, user_id: userId };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const newest = await guardMongo("update max stats", () => this.max.find(key).sort({ version: -1 }).limit(1).next());
      const next = newest ? maxOf(statsOf(newest), observed) : observed;
      if (newest && sameStats(next, statsOf(newest))) return;
      const version = (newest?.version ?? 0) + 1;
      if (!(await insertUnique("update max stats", this.max, { ...key, version, ...next, updated_at: at }))) continue;
      const newer = await guardMongo("update max stats", () => this.max.findOne({ ...key, version: { $gt: version } }, { projection: { _id: 1 } }));
      if (newer) continue;
      await guardMongo("update max stats", () => this.max.deleteMany({ ...key, version: { $lt: version } }));
      return;
    }
    throw new ConflictError(`stats of ${userId} in ${gameId}: gave up raising the maximum after ${MAX_ATTEMPTS} contended attempts`);
  }

  async get(gameId: string): Promise<GameStats> {
    const id = toGameId(gameId);
    const [initial, max] = await guardMongo("load stats", () =>
      Promise.all([this.initial.find({ game_id: id }).toArray(), this.max.find({ game_id: id }).sort({ version: 1 }).toArray()]),
    );
    // Ascending versions: the newest of each player is set last.
    return toGameStats(id, new Map(initial.map((d) => [d.user_id, statsOf(d)])), new Map(max.map((d) => [d.user_id, statsOf(d)])));
  }
}
