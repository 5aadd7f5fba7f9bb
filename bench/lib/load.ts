import { Histogram } from "./histogram.ts";

export interface LoadResult {
  events_per_s: number;
  calls: number;
  events: number;
  hist: Histogram;
  errors: number;
  firstError?: string;
}

/**
 * `concurrency` callers, each calling `call` again as soon as the last call
 * answers (a closed loop, as redis-benchmark's clients), for `durationMs`
 * after `warmupMs` that is not counted. `call` resolves with the number of
 * events it carried. Latency is per call.
 */
export async function closedLoop(
  { concurrency, durationMs, warmupMs }: { concurrency: number; durationMs: number; warmupMs: number },
  call: () => Promise<number>,
): Promise<LoadResult> {
  const hist = new Histogram();
  let events = 0;
  let errors = 0;
  let firstError: string | undefined;
  const startAt = performance.now() + warmupMs;
  const endAt = startAt + durationMs;
  async function caller(): Promise<void> {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= endAt || errors > 100) return;
      try {
        const n = await call();
        const t1 = performance.now();
        if (t0 >= startAt && t1 <= endAt) {
          hist.record((t1 - t0) * 1000);
          events += n;
        }
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, caller));
  if (errors > 100) throw new Error(`too many failed calls; first: ${firstError}`);
  return { events_per_s: Math.round(events / (durationMs / 1000)), calls: hist.count, events, hist, errors, ...(firstError ? { firstError } : {}) };
}

/** POSTs a tRPC mutation over HTTP (no transformer: the input is the body). */
export async function trpcMutation(base: string, path: string, body: string): Promise<unknown> {
  const res = await fetch(`${base}/trpc/${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** POSTs a JSON body to a REST route and checks the status. */
export async function restPost(url: string, body: string): Promise<unknown> {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
