/**
 * One done-marker per game (the seed's `ports.EvaluationGuardStore`): set
 * once the capability evaluation of a game has had all its effects, so that
 * a replayed `game_finished` recognises the game and changes nothing.
 * Adapters: `evaluation-guard-store-mongo.ts`, `evaluation-guard-store-sqlite.ts`;
 * both pass test/lobby/evaluation-stores.test.ts.
 *
 * Guarantees: `tryMark` is a compare-and-set: of any number of calls for a
 * game, concurrent or not, exactly one returns true (on FerretDB 1.x too),
 * and the first call's `at` is kept. Once marked, a game stays marked.
 */
export interface EvaluationGuardStore {
  /** Creates the table / index; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Marks the game done; true if this call set the mark, false if it was set already. */
  tryMark(gameId: string, at: number): Promise<boolean>;
  /** When the game was marked done (epoch ms), or null. */
  markedAt(gameId: string): Promise<number | null>;
}
