import { GAME_STATUSES, type GameStatus, type GameTrigger } from "@gamejournal/shared";

/**
 * The game status machine as data: each arrow says which triggers may take
 * it. `GameStore.updateStatus` refuses any move that is not an arrow here
 * for its trigger (InvalidTransitionError), before looking at the record.
 *
 * Known from the lobby service's documents (LOBBY.md):
 * - draft → enrollment_open on a command;
 * - enrollment_open → ready_to_start at the enrollment deadline or when
 *   enough players joined;
 * - ready_to_start → starting on the start command;
 * - starting → running once the runtime registered, → start_failed when it
 *   failed to start, → paused when the Game Master is unreachable;
 * - running ⇄ paused on a command;
 * - running / paused → finished on the Game Master's `game_finished`
 *   (trigger `runtime_event`: only the gm events worker takes it).
 * Reconstruction: every pre-start status (draft, enrollment_open,
 * ready_to_start, start_failed) → cancelled on a command.
 *
 * `command` also stands for the services that drive a game before it runs
 * (an operator, the lobby API): it may take every arrow except the finish,
 * which only the Game Master's event can cause. `finished` and `cancelled`
 * are terminal: no arrow leaves them.
 */
export const TRANSITIONS: ReadonlyArray<{ from: GameStatus; to: GameStatus; triggers: readonly GameTrigger[] }> = [
  { from: "draft", to: "enrollment_open", triggers: ["command"] },
  { from: "enrollment_open", to: "ready_to_start", triggers: ["deadline", "enough_players", "command"] },
  { from: "ready_to_start", to: "starting", triggers: ["command"] },
  { from: "starting", to: "running", triggers: ["runtime_registered", "command"] },
  { from: "starting", to: "start_failed", triggers: ["runtime_start_failed", "command"] },
  { from: "starting", to: "paused", triggers: ["gm_unreachable", "command"] },
  { from: "running", to: "paused", triggers: ["command"] },
  { from: "paused", to: "running", triggers: ["command"] },
  { from: "running", to: "finished", triggers: ["runtime_event"] },
  { from: "paused", to: "finished", triggers: ["runtime_event"] },
  { from: "draft", to: "cancelled", triggers: ["command"] },
  { from: "enrollment_open", to: "cancelled", triggers: ["command"] },
  { from: "ready_to_start", to: "cancelled", triggers: ["command"] },
  { from: "start_failed", to: "cancelled", triggers: ["command"] },
];

/** Statuses no arrow leaves. */
export const TERMINAL_STATUSES: readonly GameStatus[] = GAME_STATUSES.filter((s) => !TRANSITIONS.some((t) => t.from === s));

/** Whether the table lets `trigger` move a game from `from` to `to`. */
export function isAllowedTransition(from: GameStatus, to: GameStatus, trigger: GameTrigger): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.to === to && t.triggers.includes(trigger));
}
