/**
 * Wall-clock time in epoch milliseconds, injected everywhere time is read
 * (journal adapters, consumers, spool, leases, registries, workers, domains)
 * so that tests can control it. `systemClock` is the only place in the
 * server that reads `Date.now()`.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
