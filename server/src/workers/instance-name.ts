import { hostname } from "node:os";

/**
 * A name for this process among the instances sharing a Redis:
 * `<host>:<pid>:<8 random hex>`. New at each call, so unique per process
 * start even when a restarted container keeps its host name and pid 1: a
 * restarted instance never takes the name (and so the pending entries or
 * the lease) of one still running. Used as the workers' consumer name and
 * as the owner of the leases this process takes.
 */
export function newInstanceName(): string {
  return `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
}
