/** Who is calling, once a token has been verified. */
export interface AuthUser {
  /** The token's subject (`sub`). */
  readonly sub: string;
}
