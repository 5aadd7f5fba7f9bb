import type { Clock } from "../platform/clock.ts";

/** Close code of a WebSocket whose credential expired (4000–4999 are the application's). */
export const TOKEN_EXPIRED_CLOSE = 4001;

/** The longest delay setTimeout takes (about 24.8 days); longer ones are re-armed. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Closes `ws` with 4001 "token expired" when its credential's expiry
 * passes, so a live connection does not outlive its token. Returns a
 * cancel function (call it when the socket closes first). No expiry: nothing.
 */
export function closeWhenExpired(ws: { close(code?: number, reason?: string): void }, expiresAt: number | undefined, clock: Clock): () => void {
  if (expiresAt === undefined) return () => {};
  let timer: Timer | undefined;
  const arm = () => {
    const delay = expiresAt - clock.now();
    if (delay <= 0) {
      ws.close(TOKEN_EXPIRED_CLOSE, "token expired; reconnect with a new token");
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_DELAY));
  };
  arm();
  return () => clearTimeout(timer);
}
