import type { Journal } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";

/**
 * The steps a worker is waiting on (journal calls, handler attempts), with
 * when each began. A worker whose oldest step has waited longer than the
 * stall timeout makes no progress: a driver call that never settles (a
 * socket that stays open while its server is frozen) waits forever, and
 * nothing else would notice. One tracker per run of a consumer: a restart
 * starts a new one, leaving the abandoned steps behind.
 */
export class StepTracker {
  private readonly started = new Map<number, { what: string; at: number }>();
  private next = 0;

  /** `onResolve` is told each time a step resolves, with its name and value. */
  constructor(
    private readonly clock: Clock,
    private readonly onResolve: (what: string, value: unknown) => void = () => {},
  ) {}

  /** Runs `step`, recorded until it settles. */
  track<T>(what: string, step: () => Promise<T>): Promise<T> {
    const id = this.next++;
    this.started.set(id, { what, at: this.clock.now() });
    let promise: Promise<T>;
    try {
      promise = step();
    } catch (error) {
      this.started.delete(id);
      return Promise.reject(error);
    }
    return promise.then(
      (value) => {
        this.started.delete(id);
        this.onResolve(what, value);
        return value;
      },
      (error: unknown) => {
        this.started.delete(id);
        throw error;
      },
    );
  }

  /** The step waiting longest, with how long it has waited (ms); undefined when none is. */
  oldest(): { what: string; waitedMs: number } | undefined {
    let oldest: { what: string; at: number } | undefined;
    for (const step of this.started.values()) if (!oldest || step.at < oldest.at) oldest = step;
    return oldest && { what: oldest.what, waitedMs: this.clock.now() - oldest.at };
  }

  /** `journal` with each call recorded as a step named after its method. */
  journal(journal: Journal): Journal {
    const tracker = this;
    return new Proxy(journal, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function" || property === "tail" || property === "watch") return value;
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result instanceof Promise ? tracker.track(`journal.${String(property)}`, () => result) : result;
        };
      },
    });
  }
}

/** Resolves with `promise`, or with undefined as soon as `signal` aborts (the promise is then abandoned). */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
