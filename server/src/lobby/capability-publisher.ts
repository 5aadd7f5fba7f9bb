import { LOBBY_EVENTS_STREAM, type CapabilitiesEvaluatedEvent } from "@gamejournal/shared";
import type { Journal } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";
import type { CapabilityPublisher } from "./capability.ts";

/**
 * Publishes capability evaluations as journal events on `stream` (default
 * `lobby:events`): type `capabilities_evaluated`, the evaluation (with its
 * `game_id`) as `data`, and the event's `key` as the journal's idempotency
 * key, so a repeat within the journal's window is not stored twice. An
 * event the Redis journal spooled counts as published (it reaches Redis
 * when it is back).
 */
export function journalCapabilityPublisher(journal: Journal, { clock, stream = LOBBY_EVENTS_STREAM }: { clock: Clock; stream?: string }): CapabilityPublisher {
  if (!journal) throw new Error("new journal capability publisher: no journal");
  if (!clock) throw new Error("new journal capability publisher: no clock");
  return {
    async publish(event: CapabilitiesEvaluatedEvent): Promise<void> {
      const { type, key, ...data } = event;
      await journal.append([{ stream, event: { type, ts: clock.now(), key, data } }]);
    },
  };
}
