import { StreamModeLobbySessionTelemetry } from "@gamejournal/shared";
import type { Clock } from "../platform/clock.ts";

/**
 * The registry of lobby telemetry subscriptions (seed 000's `/rtapi/*`),
 * kept in the backend so every server instance sees the same list.
 *
 * Lifecycle, on every adapter (one contract suite, test/telemetry/):
 * 1. `subscribe` creates an entry or renews it (idempotent).
 * 2. An entry is active while it was renewed within `ttlMs`: by subscribing
 *    again, or by a live feed of that session, which renews it every ttl/3.
 * 3. An entry not renewed for `ttlMs` is listed as inactive; after another
 *    `ttlMs` it is removed (by `list`, or by `sweep`).
 */

export interface LobbySubscription {
  session_id: string;
  user_id: string;
  lobby_id: string;
  active: boolean;
}

export interface SubscriptionRegistry {
  /** Creates or renews; `created` is false when it existed. */
  subscribe(lobbyId: string, sessionId: string, userId: string): Promise<{ created: boolean }>;
  /** False when there was no such subscription. */
  unsubscribe(lobbyId: string, sessionId: string): Promise<boolean>;
  /** Renews an existing subscription; false when there is none. */
  renew(lobbyId: string, sessionId: string): Promise<boolean>;
  /** The lobby's subscriptions, oldest first, with expired ones removed. */
  list(lobbyId: string): Promise<LobbySubscription[]>;
  /** Removes every expired entry; returns how many. */
  sweep(): Promise<number>;
}

export interface RegistryOptions {
  /** An entry not renewed for this long is inactive, and removed after twice this long. */
  ttlMs: number;
  clock: Clock;
}

/** The stream mode these subscriptions use (seed 000: 0x16). */
export const SUBSCRIPTION_STREAM_MODE = StreamModeLobbySessionTelemetry;

/** What a stored entry says about itself at time `now`. */
export function entryState(seenAt: number, now: number, ttlMs: number): "active" | "inactive" | "expired" {
  const age = now - seenAt;
  if (age <= ttlMs) return "active";
  return age <= 2 * ttlMs ? "inactive" : "expired";
}
