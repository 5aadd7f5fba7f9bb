import type { CapabilityEvaluation, PlayerCapability } from "@gamejournal/shared";
import type { Collection, Db } from "mongodb";
import { parseCapability, type CapabilityInput, type CapabilityStore } from "./capability-store.ts";
import { toGameId } from "./ids.ts";
import { ensureIndexes, guardMongo, insertUnique } from "./mongo-support.ts";

interface CapabilityDocument {
  game_id: string;
  evaluated_at: Date;
  finished_at: Date;
  players: PlayerCapability[];
}

/** `CapabilityStore` on MongoDB (or FerretDB): an insert into `lobby_capabilities`, unique on game_id; the loser reads the winner. */
export class MongoCapabilityStore implements CapabilityStore {
  private readonly results: Collection<CapabilityDocument>;

  constructor(db: Db) {
    if (!db) throw new Error("new mongo capability store: no database handle");
    this.results = db.collection("lobby_capabilities");
  }

  async init(): Promise<void> {
    await ensureIndexes(this.results, [{ key: { game_id: 1 }, name: "game_id_unique", unique: true }]);
  }

  async save(gameId: string, evaluation: CapabilityInput): Promise<CapabilityEvaluation> {
    const input = parseCapability(gameId, evaluation);
    await insertUnique("save capabilities", this.results, {
      game_id: input.gameId,
      evaluated_at: new Date(input.evaluatedAt),
      finished_at: new Date(input.finishedAt),
      players: input.players,
    });
    return (await this.get(input.gameId))!;
  }

  async get(gameId: string): Promise<CapabilityEvaluation | null> {
    const doc = await guardMongo("load capabilities", () => this.results.findOne({ game_id: toGameId(gameId) }, { projection: { _id: 0 } }));
    if (!doc) return null;
    return {
      game_id: doc.game_id,
      evaluated_at: doc.evaluated_at.toISOString(),
      finished_at: doc.finished_at.toISOString(),
      players: doc.players.map(({ user_id, capable }) => ({ user_id, capable })),
    };
  }
}
