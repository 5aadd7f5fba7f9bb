import {
  memberAccount,
  memberName,
  memberSlot,
  PLAYER_ACTIONS_STREAM,
  playersOf,
  RTAPI_STREAM,
  type Frame,
  type Session,
  type TeamMember,
} from "@gamejournal/shared";
import { compareIds, parseId } from "../journal/ids.ts";
import type { EndReason, MatchAggregate } from "./aggregate-state.ts";
import { teamKey, type PlayerIdentity } from "./identity.ts";
import { closeRound, leave, playerBySlotOrName, resolvePlayerId, roundHasActivity, seePlayer } from "./roster.ts";
import { observeGoals } from "./goals.ts";
import { observePlay, observeVerdict } from "./outcome.ts";
import { observeRoundEnded, observeRoundStarted, observeScoreboard } from "./rounds.ts";
import { isRecord, scalarsOf, text, timeOf } from "./values.ts";

export type { EndReason, MatchAggregate } from "./aggregate-state.ts";

/**
 * The match summary fold: a pure, deterministic function from a match's
 * journal entries to a `MatchAggregate`, from which `toSummary` builds the
 * stored `MatchSummary`.
 *
 * What makes it safe to replay and to resume:
 *
 * 1. Pure: `applyFrame` / `applyAction` / `endMatch` never modify the
 *    aggregate they are given; they return a new one (or the same one when
 *    the entry is skipped).
 * 2. Deterministic: every time comes from the entries (the frame's
 *    `timestamp`, the action's `ts`, else the journal's time for the entry,
 *    else the time in its id), never from the wall clock; so the same entries
 *    in the same order give an equal aggregate and an identical summary.
 * 3. Serialisable: the aggregate is plain JSON; folding on from
 *    `JSON.parse(JSON.stringify(agg))` gives the same result as folding on
 *    from `agg` (a checkpoint is that string).
 * 4. Redelivery-proof: the aggregate remembers, per journal stream, the id of
 *    the last entry it folded; an entry at or before it is skipped and the
 *    aggregate is returned unchanged. This needs each stream's entries of a
 *    match to arrive in id order (one consumer a match, pending entries
 *    re-read before new ones).
 * 5. Final once ended: after the end (a `match_ended` event, a `post_match`
 *    game status, a `match_ended` action or `endMatch`), entries only move
 *    the positions on; the summary no longer changes.
 */

/** Where and when a journal entry was read. */
export interface EntryMeta {
  /** The journal entry id, `<ms>-<seq>`. */
  id: string;
  /** The journal stream; defaults to `events:rtapi` for frames and `events:player_actions` for actions. */
  stream?: string;
  /** The journal's time for the entry (epoch ms or ISO 8601); used when the event carries no time of its own. */
  time?: number | string;
  /** The user who sent the entry; for a frame, the agent's user, linked to the player named `session.client_name`. */
  user_id?: string;
  /** The server node the entry came through (informational; it is part of the match id). */
  node?: string;
}

/** A player action as journaled on `events:player_actions` (seed 000's `JournalPlayerAction`). */
export interface PlayerAction {
  type: string;
  user_id?: string;
  session_id?: string;
  match_id?: string;
  data?: unknown;
  /** When it happened: epoch ms or ISO 8601. */
  ts?: number | string;
}

export type Labels = MatchAggregate["labels"];

/** A new aggregate for `matchId`; `labels` are the server's labels for the match (they end up in `match_label`). */
export function emptyAggregate(matchId: string, { labels = {} }: { labels?: Labels } = {}): MatchAggregate {
  return {
    format: 1,
    match_id: matchId,
    positions: {},
    entries: 0,
    started_at: null,
    last_event_at: null,
    ended: null,
    labels: scalarsOf(labels),
    players: [],
    roster: [],
    slots: {},
    ping: { count: 0, sum: 0, min: 0, max: 0 },
    round: { current: 1, closed: 0 },
    round_scores: null,
    round_winners: {},
    presences: [],
    goals: [],
    last_goal_key: null,
    game_winner: null,
    play_started_at: null,
    present_at_end: null,
    reporter: null,
  };
}

/** Whether the entry `id` of `stream` is already folded into `agg` (and would be skipped). */
export function hasFolded(agg: MatchAggregate, stream: string, id: string): boolean {
  const last = Object.hasOwn(agg.positions, stream) ? agg.positions[stream] : undefined;
  return last !== undefined && compareIds(id, last) <= 0;
}

/** Folds one telemetry frame (already `normalizeKeys`-ed and `FrameSchema`-parsed) in. */
export function applyFrame(agg: MatchAggregate, frame: Frame, meta: EntryMeta, draft?: Draft): MatchAggregate {
  return fold(agg, meta.stream ?? RTAPI_STREAM, meta, frame.timestamp, draft, (next, at) => {
    const session = frame.session;
    readLabels(next, session);
    const status = session.game_status ?? "";
    if (status !== "" && status !== "pre_match" && status !== "post_match") observePlay(next, at);
    const events = (frame.events ?? []).filter(isRecord);
    const leaving = new Set<string>();
    for (const event of events) {
      if (!isRecord(event.player_left)) continue;
      const id = playerBySlotOrName(next, event.player_left.player_slot, event.player_left.display_name);
      if (id !== "") leaving.add(id);
    }
    const listed = new Set<string>();
    const clientName = typeof session.client_name === "string" ? session.client_name : "";
    const identityOf = (member: TeamMember): PlayerIdentity => {
      const display_name = memberName(member);
      const user_id = meta.user_id && clientName !== "" && display_name === clientName ? meta.user_id : "";
      return { account_number: memberAccount(member), user_id, display_name };
    };
    if (Array.isArray(session.teams)) {
      const slots: Record<string, string> = {};
      for (const { member, team } of playersOf(session)) {
        const identity = identityOf(member);
        if (leaving.has(resolvePlayerId(next, identity))) continue;
        const id = seePlayer(next, { identity, team: teamKey(team), stats: member.stats, ping: member.ping }, at);
        if (id === "") continue;
        listed.add(id);
        if (memberSlot(member) >= 0) slots[String(memberSlot(member))] = id;
      }
      next.slots = slots;
      leave(next, (id) => !listed.has(id), at);
    }
    observeGoals(next, frame, at);
    for (const event of events) {
      if (isRecord(event.player_joined) && isRecord(event.player_joined.player)) {
        const identity = identityOf(event.player_joined.player as TeamMember);
        const id = resolvePlayerId(next, identity);
        if (id !== "" && !listed.has(id) && !leaving.has(id)) seePlayer(next, { identity, team: teamKey(event.player_joined.role) }, at);
      }
      if (isRecord(event.scoreboard_updated)) {
        observeScoreboard(next, event.scoreboard_updated.blue_round_score, event.scoreboard_updated.orange_round_score);
      }
      if (isRecord(event.round_ended)) observeRoundEnded(next, event.round_ended);
      if (isRecord(event.round_started)) {
        observePlay(next, at);
        observeRoundStarted(next, event.round_started);
      }
      if (isRecord(event.match_ended)) observeVerdict(next, event.match_ended.winning_team);
    }
    leave(next, (id) => leaving.has(id), at);
    observeScoreboard(next, session.blue_round_score, session.orange_round_score);
    // Only the match's own sender ends it from a frame (see MatchAggregate.reporter).
    const sender = meta.user_id ?? "";
    next.reporter ??= sender;
    const reason = frameEndReason(frame);
    if (reason && sender === next.reporter) finish(next, reason, at);
  });
}

/**
 * Folds one player action in. Recognised types: `player_joined` and
 * `player_left` (data: `display_name`, `team`, `account_number`/`evr_id`),
 * `match_ended` / `match_end` (an explicit end), `match_label` (data, or
 * `data.labels`: label → string/number/boolean, merged into the labels).
 * Other actions count as activity (they move `last_event_at`) and as play
 * (play has begun once one is seen, see `observePlay`).
 */
export function applyAction(agg: MatchAggregate, action: PlayerAction, meta: EntryMeta, draft?: Draft): MatchAggregate {
  return fold(agg, meta.stream ?? PLAYER_ACTIONS_STREAM, meta, action.ts, draft, (next, at) => {
    const data = isRecord(action.data) ? action.data : {};
    const identity: PlayerIdentity = {
      account_number: text(data.account_number ?? data.evr_id),
      user_id: text(action.user_id),
      display_name: text(data.display_name),
    };
    switch (action.type) {
      case "player_joined":
        seePlayer(next, { identity, team: teamKey(data.team ?? data.role) }, at);
        break;
      case "player_left": {
        const id = resolvePlayerId(next, identity);
        leave(next, (playerId) => playerId === id, at);
        break;
      }
      case "match_ended":
      case "match_end":
        finish(next, "explicit", at);
        break;
      case "match_label":
        next.labels = { ...next.labels, ...scalarsOf(isRecord(data.labels) ? data.labels : data) };
        break;
      default:
        observePlay(next, at); // any other action is play (a goal, a save...)
    }
  });
}

/** Why this frame ends its match (a `match_ended` event, or the game in `post_match`), or null. */
export function frameEndReason(frame: Frame): EndReason | null {
  if ((frame.events ?? []).some((event) => isRecord(event) && Object.hasOwn(event, "match_ended"))) return "match_ended";
  if (frame.session.game_status === "post_match") return "post_match";
  return null;
}

/** Why the match ended; with `frame`, also why it would end once that frame is folded in. null: still going. */
export function endReason(agg: MatchAggregate, frame?: Frame): EndReason | null {
  return agg.ended?.reason ?? (frame ? frameEndReason(frame) : null);
}

export function isEnded(agg: MatchAggregate): boolean {
  return agg.ended !== null;
}

/**
 * Ends the match now, for a reason judged outside the fold (the caller's
 * inactivity timeout, an operator). The end time is the last event's time,
 * not the wall clock, so the summary stays deterministic.
 */
export function endMatch(agg: MatchAggregate, reason: "explicit" | "inactivity"): MatchAggregate {
  if (agg.ended) return agg;
  const next = structuredClone(agg);
  finish(next, reason, next.last_event_at ?? 0);
  return next;
}

/**
 * Moves the positions past an entry that says nothing about the match (e.g.
 * telemetry on `events:rtapi` that is not a frame), so that it counts as
 * folded for checkpoints and acknowledgement, without changing the summary.
 */
export function skipEntry(agg: MatchAggregate, meta: EntryMeta & { stream: string }, draft?: Draft): MatchAggregate {
  parseId(meta.id);
  if (hasFolded(agg, meta.stream, meta.id)) return agg;
  if (draft?.owns(agg)) {
    agg.positions = { ...agg.positions, [meta.stream]: meta.id };
    agg.entries += 1;
    return agg;
  }
  return { ...agg, positions: { ...agg.positions, [meta.stream]: meta.id }, entries: agg.entries + 1 };
}

/**
 * A copy of an aggregate that one fold of several entries may change in
 * place (`applyEntries`): it is cloned once, on the first entry that changes
 * anything, instead of once per entry. Nothing outside that fold sees it
 * until it is returned, so the fold stays pure to its callers.
 */
export class Draft {
  private copy: MatchAggregate | undefined;
  owns(agg: MatchAggregate): boolean {
    return agg === this.copy;
  }
  /** `agg` itself when this draft owns it, else its clone (which the draft then owns). */
  writable(agg: MatchAggregate): MatchAggregate {
    if (agg === this.copy) return agg;
    this.copy = structuredClone(agg);
    return this.copy;
  }
}

function fold(
  agg: MatchAggregate,
  stream: string,
  meta: EntryMeta,
  own: unknown,
  draft: Draft | undefined,
  apply: (next: MatchAggregate, at: number) => void,
): MatchAggregate {
  const idTime = parseId(meta.id).ms; // also rejects a malformed id before anything changes
  if (hasFolded(agg, stream, meta.id)) return agg;
  const next = draft ? draft.writable(agg) : structuredClone(agg);
  next.positions = { ...next.positions, [stream]: meta.id };
  next.entries += 1;
  if (next.ended) return next;
  const at = timeOf(own) ?? timeOf(meta.time) ?? idTime;
  next.started_at = next.started_at === null ? at : Math.min(next.started_at, at);
  next.last_event_at = next.last_event_at === null ? at : Math.max(next.last_event_at, at);
  apply(next, at);
  return next;
}

function finish(agg: MatchAggregate, reason: EndReason, at: number): void {
  if (roundHasActivity(agg)) closeRound(agg, agg.round.current);
  agg.present_at_end = [...new Set(agg.presences.filter((p) => p.left_at === null).map((p) => p.player_id))];
  leave(agg, () => true, at);
  agg.ended = { reason, at };
}

function readLabels(agg: MatchAggregate, session: Session): void {
  const fromGame = scalarsOf({
    match_type: session.match_type || undefined,
    map_name: session.map_name || undefined,
    private_match: session.private_match,
    tournament_match: session.tournament_match,
  });
  if (Object.keys(fromGame).length > 0) agg.labels = { ...agg.labels, ...fromGame };
}
