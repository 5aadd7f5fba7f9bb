/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** One signal that aborts when any of the given ones does. */
export function anySignal(...signals: Array<AbortSignal | undefined | null>): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s != null));
}
