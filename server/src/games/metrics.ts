import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** What the game service reports. */
export interface GameMetrics {
  /** A command (or join, leave) answered: `result` is accepted, duplicate, rejected or failed. */
  command(type: string, result: "accepted" | "duplicate" | "rejected" | "failed", seconds: number, code?: string): void;
  /** A compare-and-set append lost to another writer (the command is decided again). */
  conflict(): void;
  /** A replay of `events` events took `seconds`. */
  replayed(events: number, seconds: number): void;
}

export const noGameMetrics: GameMetrics = { command() {}, conflict() {}, replayed() {} };

/**
 * The game rooms' Prometheus metrics:
 * - `gamejournal_games_open`: games waiting or playing among those this
 *   instance holds in memory (per instance; a game served by two instances
 *   counts on both);
 * - `gamejournal_game_commands_total{type,result}` and
 *   `gamejournal_game_command_rejections_total{code}`;
 * - `gamejournal_game_command_duration_seconds{type}`: from receipt to answer;
 * - `gamejournal_game_command_conflicts_total`: appends that lost the
 *   compare-and-set and were decided again;
 * - `gamejournal_game_replay_events_per_second` (the last replay) and
 *   `gamejournal_game_replay_events_total`.
 */
export function prometheusGameMetrics(registry: Registry, openGames: () => number): GameMetrics {
  new Gauge({
    name: "gamejournal_games_open",
    help: "Games waiting or playing among those this instance holds in memory",
    registers: [registry],
    collect() {
      this.set(openGames());
    },
  });
  const commands = new Counter({
    name: "gamejournal_game_commands_total",
    help: "Game commands answered, by type and result (accepted, duplicate, rejected, failed)",
    labelNames: ["type", "result"],
    registers: [registry],
  });
  const rejections = new Counter({
    name: "gamejournal_game_command_rejections_total",
    help: "Game commands rejected, by rejection code",
    labelNames: ["code"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "gamejournal_game_command_duration_seconds",
    help: "From receiving a game command to answering it, by type",
    labelNames: ["type"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const conflicts = new Counter({
    name: "gamejournal_game_command_conflicts_total",
    help: "Game appends that lost the compare-and-set to another writer and were decided again",
    registers: [registry],
  });
  const replaySpeed = new Gauge({ name: "gamejournal_game_replay_events_per_second", help: "Events per second of the last game replay", registers: [registry] });
  const replayEvents = new Counter({ name: "gamejournal_game_replay_events_total", help: "Events folded by game replays", registers: [registry] });
  return {
    command(type, result, seconds, code) {
      commands.inc({ type, result });
      duration.observe({ type }, seconds);
      if (code) rejections.inc({ code });
    },
    conflict: () => conflicts.inc(),
    replayed(events, seconds) {
      replayEvents.inc(events);
      if (seconds > 0) replaySpeed.set(events / seconds);
    },
  };
}
