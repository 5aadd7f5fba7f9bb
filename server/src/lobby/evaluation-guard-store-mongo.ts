import type { Collection, Db } from "mongodb";
import type { EvaluationGuardStore } from "./evaluation-guard-store.ts";
import { parseAt } from "./game-store.ts";
import { toGameId } from "./ids.ts";
import { ensureIndexes, guardMongo, insertUnique } from "./mongo-support.ts";

interface GuardDocument {
  game_id: string;
  marked_at: Date;
}

/** `EvaluationGuardStore` on MongoDB (or FerretDB): `tryMark` is an insert into `lobby_evaluation_guards`, unique on game_id. */
export class MongoEvaluationGuardStore implements EvaluationGuardStore {
  private readonly guards: Collection<GuardDocument>;

  constructor(db: Db) {
    if (!db) throw new Error("new mongo evaluation guard store: no database handle");
    this.guards = db.collection("lobby_evaluation_guards");
  }

  async init(): Promise<void> {
    await ensureIndexes(this.guards, [{ key: { game_id: 1 }, name: "game_id_unique", unique: true }]);
  }

  async tryMark(gameId: string, at: number): Promise<boolean> {
    return insertUnique("mark evaluation done", this.guards, { game_id: toGameId(gameId), marked_at: new Date(parseAt(at)) });
  }

  async markedAt(gameId: string): Promise<number | null> {
    const doc = await guardMongo("read evaluation guard", () => this.guards.findOne({ game_id: toGameId(gameId) }));
    return doc?.marked_at.getTime() ?? null;
  }
}
