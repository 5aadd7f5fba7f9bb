/** Who is calling, once a token has been verified. */
export interface AuthUser {
  /** The token's subject (`sub`). */
  readonly sub: string;
  /** The token's own claims beyond the registered ones (e.g. a game seat's `game_id` and `player_id`). */
  readonly claims?: Readonly<Record<string, unknown>>;
}
