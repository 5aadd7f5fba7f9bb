import type { CommandReply, CreateGameReply, GameCommand, GameView, JoinGameReply } from "@gamejournal/shared";
import { RetryableError, withRetry, type RetryPolicy } from "./retry.ts";

/**
 * The REST calls a bot makes, each retried through connection failures and
 * 5xx answers. Every call is safe to repeat: a game id the bot chose, a join
 * and a command with a command id.
 */
export class GameHttp {
  private readonly base: string;

  constructor(
    url: string,
    private readonly policy: RetryPolicy,
    private readonly onRetry?: (error: unknown) => void,
    /** Creates and joins games with it: a credential with the `ingest` scope (AUTH_MODE=token). */
    private readonly hostToken?: string,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  create(gameId: string, numPlayers: number): Promise<CreateGameReply> {
    return this.call("POST", "/api/games", { gameId, numPlayers }, this.hostToken);
  }

  join(gameId: string, name: string, commandId: string): Promise<JoinGameReply> {
    return this.call("POST", `/api/games/${gameId}/join`, { name, commandId }, this.hostToken);
  }

  state(gameId: string, token?: string): Promise<GameView> {
    return this.call("GET", `/api/games/${gameId}`, undefined, token);
  }

  command(gameId: string, token: string, command: GameCommand): Promise<CommandReply> {
    return this.call("POST", `/api/games/${gameId}/commands`, command, token);
  }

  private call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    return withRetry(
      `${method} ${path}`,
      this.policy,
      async () => {
        const res = await fetch(`${this.base}${path}`, {
          method,
          headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.status >= 500 || res.status === 429) throw new RetryableError(`${res.status}: ${text.slice(0, 200)}`);
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new RetryableError(`${res.status}: not JSON: ${text.slice(0, 200)}`);
        }
      },
      this.onRetry,
    );
  }
}
