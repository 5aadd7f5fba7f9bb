import type { Auth } from "./auth/index.ts";
import type { Clock } from "./platform/clock.ts";
import type { HealthReport } from "./health/index.ts";
import type { JournalingApi } from "./journal/event-journal.ts";
import type { MatchesApi } from "./matches/api.ts";
import type { TelemetryApi } from "./telemetry/telemetry.ts";
import type { UncheckedFrameIngest } from "./sessions/ingest.ts";
import type { SessionEventStore } from "./sessions/session-event-store.ts";


/**
 * Everything the routers and WebSocket endpoints use, built once by the
 * server (`server.ts`) and handed to every request's context. Only the
 * project's own interfaces appear here, so the client's published types do
 * not depend on driver packages.
 */
export interface Services {
  readonly health: { report(): Promise<HealthReport> };
  readonly auth: Auth;
  readonly clock: Clock;
  /** Aborted when the server begins to shut down; live feeds end on it. */
  readonly shutdown: AbortSignal;
  /** Seed 000's journaling API; `.journal` is the journal port itself. */
  readonly journal: JournalingApi;
  /** Live lobby telemetry: broadcast, feeds and the subscription registry. */
  readonly telemetry: TelemetryApi;
  /** Match summaries: reads, and ending a match. */
  readonly matches: MatchesApi;
  /** Session events (seeds 001/002): the store the worker fills, and the one ingest pipeline. */
  readonly sessions: { readonly store: SessionEventStore; readonly ingest: UncheckedFrameIngest };
}
