import type { GameEvent, GameRejectionCode } from "@gamejournal/shared";
import { evolve } from "./evolve.ts";
import type { GameState } from "./state.ts";

/** What a decider returns: the events to append, or why nothing is appended. */
export type Decision = Accepted | Rejected;
export interface Accepted {
  ok: true;
  events: GameEvent[];
}
export interface Rejected {
  ok: false;
  code: GameRejectionCode;
  message: string;
}

export const reject = (code: GameRejectionCode, message: string): Rejected => ({ ok: false, code, message });

/**
 * Events being decided, with the state they lead to: later events of one
 * decision are decided on the state the earlier ones produce, exactly as a
 * replay will fold them.
 */
export class Draft {
  readonly events: GameEvent[] = [];
  constructor(public state: GameState) {}
  push(event: GameEvent): this {
    this.events.push(event);
    this.state = evolve(this.state, event);
    return this;
  }
  accept(): Accepted {
    return { ok: true, events: this.events };
  }
}
