import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ErrorReply,
  MaxCommandRedirectionsError,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
} from "redis";

/**
 * Replies with which Redis says "not now" rather than "no": a cluster that
 * is down or failing over (CLUSTERDOWN, MASTERDOWN), a slot being moved
 * (TRYAGAIN), a node loading its data (LOADING) or demoted to a replica
 * (READONLY). The command was not run.
 */
const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY)\b/;

/** node-redis's errors for "no answer from Redis" (its classes do not set `name`). */
const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  MaxCommandRedirectionsError,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
];

/** A reply of Redis that means an outage, not a refusal (see TRANSIENT_REPLY). */
export function isTransientReply(error: unknown): boolean {
  return error instanceof ErrorReply && TRANSIENT_REPLY.test(error.message);
}

/**
 * Whether `error` means Redis, or the part of a cluster that holds the key,
 * is unavailable: a connection failure, a redirection loop while slots
 * move, a topology not discovered yet, or a transient reply. Callers answer
 * 503, spool or retry; never a 500.
 */
export function isRedisOutage(error: unknown): boolean {
  if (error instanceof ErrorReply) return isTransientReply(error);
  if (CONNECTION_ERRORS.some((type) => error instanceof type)) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" && /^(Cluster closed|redis cluster: )|ECONNREFUSED|ECONNRESET|EPIPE/.test(message);
}
