import type { CapabilityEvaluation, PlayerCapability } from "@gamejournal/shared";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";
import { parseAt } from "./game-store.ts";
import { isUserId, toGameId } from "./ids.ts";

/**
 * The capability results of finished games, one evaluation per game.
 * Adapters: `capability-store-mongo.ts`, `capability-store-sqlite.ts`; both
 * pass test/lobby/evaluation-stores.test.ts.
 *
 * Guarantees: `save` stores the first evaluation of a game and keeps it:
 * later saves (a replay, or a racing evaluator, with whatever values) change
 * nothing and return the stored one, so every caller goes on with the same
 * results. Atomic on FerretDB 1.x too (an insert into a unique index). Bad
 * input is a ValidationError naming the field.
 */
export interface CapabilityStore {
  /** Creates the table / index; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Stores the evaluation unless one is stored; returns the stored one. */
  save(gameId: string, evaluation: CapabilityInput): Promise<CapabilityEvaluation>;
  get(gameId: string): Promise<CapabilityEvaluation | null>;
}

export interface CapabilityInput {
  /** Epoch ms of the evaluation. */
  evaluatedAt: number;
  /** Epoch ms: the game's `finished_at` it ran for. */
  finishedAt: number;
  players: readonly PlayerCapability[];
}

const PlayersSchema = z.object({
  players: z.array(z.object({ user_id: z.string().refine(isUserId, "expected 1 to 128 characters without whitespace"), capable: z.boolean() })),
});

export function parseCapability(gameId: unknown, input: CapabilityInput): { gameId: string; evaluatedAt: number; finishedAt: number; players: PlayerCapability[] } {
  const players = parseWith(PlayersSchema, { players: input?.players }).players.map(({ user_id, capable }) => ({ user_id, capable }));
  const users = players.map((p) => p.user_id);
  const twice = users.find((u, i) => users.indexOf(u) !== i);
  if (twice !== undefined) throw new ValidationError(`players: ${twice} is listed twice`, "players");
  return {
    gameId: toGameId(gameId),
    evaluatedAt: parseAt(input?.evaluatedAt, "evaluatedAt"),
    finishedAt: parseAt(input?.finishedAt, "finishedAt"),
    players: players.sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0)),
  };
}
