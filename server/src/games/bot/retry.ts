/** How a bot keeps trying through a server restart. */
export interface RetryPolicy {
  /** Give up on one request after this long (default 60 s). */
  timeoutMs: number;
  /** First pause between attempts; doubles up to 1 s (default 50 ms). */
  firstDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { timeoutMs: 60_000, firstDelayMs: 50 };

/** A failure worth trying again: the server was unreachable, dropped the connection, or answered 5xx/429. */
export class RetryableError extends Error {}

/**
 * Runs `attempt` until it resolves, retrying any failure (a RetryableError,
 * a refused or dropped connection, a timeout, a body cut short) with backoff
 * until the policy's deadline. The caller makes each attempt safe to repeat
 * (the same game id, the same commandId).
 */
export async function withRetry<T>(what: string, policy: RetryPolicy, attempt: () => Promise<T>, onRetry?: (error: unknown) => void): Promise<T> {
  const deadline = Date.now() + policy.timeoutMs;
  let delay = policy.firstDelayMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() + delay > deadline) throw new Error(`${what}: ${(error as Error)?.message ?? error}`, { cause: error });
      onRetry?.(error);
      await Bun.sleep(delay);
      delay = Math.min(1_000, delay * 2);
    }
  }
}
