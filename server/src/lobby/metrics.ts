import type { GameStatus, GameTrigger } from "@gamejournal/shared";
import { Counter, Gauge, type Registry } from "prom-client";

/** What the lobby counts: transitions (by the worker and, later, the API) and the gm events worker's lag. */
export interface LobbyMetrics {
  /** One successful status transition (the seed's `lobby.game.transitions`). */
  transition(from: GameStatus, to: GameStatus, trigger: GameTrigger): void;
  /** Entries of the gm events stream not yet handled by this instance's worker. */
  setGmEventsLag(entries: number): void;
}

/** `LobbyMetrics` on a Prometheus registry: `lobby_game_transitions_total{from_status,to_status,trigger}` and `lobby_gm_events_lag_entries`. */
export function lobbyMetrics(registry: Registry): LobbyMetrics {
  if (!registry) throw new Error("new lobby metrics: no registry");
  const transitions = new Counter({
    name: "lobby_game_transitions_total",
    help: "Game status transitions that succeeded, by from status, to status and trigger",
    labelNames: ["from_status", "to_status", "trigger"],
    registers: [registry],
  });
  const lag = new Gauge({
    name: "lobby_gm_events_lag_entries",
    help: "Entries of the Game Master's lobby events stream not yet handled by the gm events worker",
    registers: [registry],
  });
  return {
    transition: (from, to, trigger) => transitions.inc({ from_status: from, to_status: to, trigger }),
    setGmEventsLag: (entries) => lag.set(entries),
  };
}

/** Metrics that go nowhere (the seed's nil telemetry). */
export const noLobbyMetrics: LobbyMetrics = { transition: () => {}, setGmEventsLag: () => {} };
