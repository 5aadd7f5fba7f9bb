import { GAME_REJECTION_STATUS, type GameRejection, type GameRejectionCode } from "@gamejournal/shared";
import { NotFoundError } from "../errors.ts";
import type { Rejected } from "./rules/index.ts";

/** A refusal as the interfaces answer it: `{success: false, error, code, field?}`. */
export function rejection(code: GameRejectionCode, error: string, field?: string): GameRejection {
  return { success: false, error, code, ...(field ? { field } : {}) };
}

/** The rules' rejection as an answer; `field` names the field when the code is about one. */
export function fromRules(rejected: Rejected): GameRejection {
  return rejection(rejected.code, rejected.message, FIELD_OF[rejected.code]);
}

const FIELD_OF: Partial<Record<GameRejectionCode, string>> = {
  INVALID_PLAYER_COUNT: "numPlayers",
  INVALID_MULTIPLIER: "multiplier",
  INVALID_UPGRADE: "upgrades",
  INVALID_DEPOSITS: "deposits",
  INVALID_INDEX: "index",
  INVALID_CARD: "cardId",
};

/** The HTTP status of a refusal (always 4xx). */
export const statusOf = (rejected: GameRejection): 400 | 403 | 404 | 409 | 422 => GAME_REJECTION_STATUS[rejected.code];

/** No such game, where the answer is not a rejection (a read): 404 with the code GAME_NOT_FOUND at the REST edge. */
export class GameNotFoundError extends NotFoundError {
  readonly gameCode = "GAME_NOT_FOUND";
  override readonly publicCode = "GAME_NOT_FOUND";
  constructor(readonly gameId: string) {
    super(`there is no game ${gameId}`);
  }
}
