import {
  GameCommandSchema,
  type AcquireCommand,
  type Caravan,
  type ClaimCommand,
  type DiscardCommand,
  type GameRejectionCode,
  type PlayCardCommand,
  type Spice,
} from "@gamejournal/shared";
import { Draft, reject, type Decision } from "./decision.ts";
import { above, countOf, covers, describe, EMPTY, full, lowestFirst, subtract, add, total } from "./spices.ts";
import { coinAt, playerOf, type GameState, type PlayerState } from "./state.ts";
import { autoDiscard, closeAction, passTurn } from "./turns.ts";

/** Who sends the command: the seat the caller's token is for. */
export interface CommandContext {
  playerId: number;
}

/**
 * Decides a player's command against the state: the events it produces, or a
 * rejection (and then nothing is appended). `command` is validated here with
 * `GameCommandSchema`, so raw JSON may be passed. Pure: the same state and
 * command always give the same answer.
 *
 * A turn is exactly one action (playCard, acquire, rest, claim). An action
 * that leaves the caravan within capacity ends the turn by itself (`TurnEnded`
 * follows the action's event). One that leaves more spices than the capacity
 * keeps the turn in the `discard` phase: the player then sends `discard`
 * (their choice, leaving at most the capacity) or `endTurn` (the lowest
 * spices go first, yellow before red before green before brown), and the turn
 * passes. Outside that phase `endTurn` is rejected (`ACTION_REQUIRED`), and in
 * it every action is (`MUST_DISCARD`).
 */
export function decide(state: GameState, command: unknown, ctx: CommandContext): Decision {
  if (state.status === "none") return reject("GAME_NOT_FOUND", "there is no such game");
  if (state.status === "waiting") return reject("GAME_NOT_STARTED", `the game starts when all ${state.numPlayers} seats are taken (${state.players.length} so far)`);
  if (state.status === "finished") return reject("GAME_OVER", "the game is over");

  const parsed = GameCommandSchema.safeParse(command);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    const where = issue.path.length > 0 && !issue.message.startsWith(field) ? `${issue.path.join(".")}: ` : "";
    return reject(FIELD_CODES[field] ?? "INVALID_COMMAND", `${where}${issue.message}`);
  }
  const cmd = parsed.data;

  const player = playerOf(state, ctx.playerId);
  if (!player) return reject("NOT_A_PLAYER", `player ${ctx.playerId} has no seat in this game`);
  if (player.left) return reject("NOT_A_PLAYER", `player ${ctx.playerId} left the game`);
  if (state.currentPlayer !== player.playerId) return reject("NOT_YOUR_TURN", `it is player ${state.currentPlayer}'s turn`);

  const draft = new Draft(state);
  if (state.phase === "discard") {
    if (cmd.type === "discard") return discard(draft, player, cmd);
    if (cmd.type === "endTurn") {
      autoDiscard(draft);
      passTurn(draft);
      return draft.accept();
    }
    return reject("MUST_DISCARD", `the caravan holds ${total(player.caravan)} spices: discard down to ${state.settings!.caravanCapacity} (discard, or endTurn to drop the lowest) before anything else`);
  }

  switch (cmd.type) {
    case "playCard":
      return playCard(draft, player, cmd);
    case "acquire":
      return acquire(draft, player, cmd);
    case "rest":
      return rest(draft, player);
    case "claim":
      return claim(draft, player, cmd);
    case "discard":
      return reject("NO_DISCARD_NEEDED", `the caravan holds ${total(player.caravan)} of ${state.settings!.caravanCapacity} spices: nothing to discard`);
    case "endTurn":
      return reject("ACTION_REQUIRED", "a turn is one action (playCard, acquire, rest or claim), which ends the turn by itself; endTurn only ends a turn waiting for a discard");
  }
}

/** Rejection codes for a malformed field, by the field's name. */
const FIELD_CODES: Record<string, GameRejectionCode> = {
  multiplier: "INVALID_MULTIPLIER",
  upgrades: "INVALID_UPGRADE",
  deposits: "INVALID_DEPOSITS",
  index: "INVALID_INDEX",
};

function playCard(draft: Draft, player: PlayerState, cmd: PlayCardCommand): Decision {
  const card = player.hand.find((c) => c.id === cmd.cardId);
  if (!card) {
    const played = player.played.some((c) => c.id === cmd.cardId);
    return reject("INVALID_CARD", played ? `card ${cmd.cardId} was played already; rest to take it back` : `card ${cmd.cardId} is not in your hand`);
  }
  if (card.kind !== "trade" && cmd.multiplier !== undefined && cmd.multiplier !== 1) {
    return reject("INVALID_MULTIPLIER", `only trade cards take a multiplier; ${card.id} is a ${card.kind} card`);
  }
  if (card.kind !== "upgrade" && cmd.upgrades !== undefined) {
    return reject("INVALID_UPGRADE", `only upgrade cards take upgrades; ${card.id} is a ${card.kind} card`);
  }

  let caravan: Caravan;
  switch (card.kind) {
    case "spice":
      caravan = add(player.caravan, card.gain ?? {});
      break;
    case "upgrade": {
      const steps = card.steps ?? 0;
      if (cmd.upgrades === undefined) {
        return reject("INVALID_UPGRADE", `an upgrade card needs upgrades: up to ${steps} spices to raise one step each, e.g. ["yellow"] (an empty list leaves the steps unused)`);
      }
      if (cmd.upgrades.length > steps) return reject("INVALID_UPGRADE", `card ${card.id} raises at most ${steps} steps; got ${cmd.upgrades.length}`);
      const result = upgrade(player.caravan, cmd.upgrades);
      if (!result.ok) return result;
      caravan = result.caravan;
      break;
    }
    case "trade": {
      const times = cmd.multiplier ?? 1;
      const cost = card.cost ?? {};
      if (!covers(player.caravan, cost, times)) {
        const what = times === 1 ? "this trade costs" : `trading ${times} times costs`;
        return reject("INSUFFICIENT_SPICES", `${what} ${describe(add(EMPTY, cost, times))}; the caravan holds ${describe(player.caravan)}`);
      }
      caravan = add(subtract(player.caravan, cost, times), card.gain ?? {}, times);
      break;
    }
  }
  draft.push({
    type: "CardPlayed",
    playerId: player.playerId,
    data: {
      cardId: card.id,
      card,
      ...(card.kind === "trade" ? { multiplier: cmd.multiplier ?? 1 } : {}),
      ...(card.kind === "upgrade" ? { upgrades: cmd.upgrades ?? [] } : {}),
      ...change(player.caravan, caravan),
      caravan,
    },
  });
  closeAction(draft);
  return draft.accept();
}

/** Raises one spice per entry, in order. */
function upgrade(from: Caravan, upgrades: readonly Spice[]): { ok: true; caravan: Caravan } | ReturnType<typeof reject> {
  const caravan = { ...from };
  for (const [i, spice] of upgrades.entries()) {
    const to = above(spice);
    if (!to) return reject("INVALID_UPGRADE", `upgrades[${i}]: brown is the highest spice and cannot be raised`);
    if (caravan[spice] < 1) return reject("INSUFFICIENT_SPICES", `upgrades[${i}]: no ${spice} spice left to raise`);
    caravan[spice] -= 1;
    caravan[to] += 1;
  }
  return { ok: true, caravan };
}

/** The net change between two caravans, as what was paid and what was gained. */
function change(before: Caravan, after: Caravan): { paid: Caravan; gained: Caravan } {
  const paid = { ...EMPTY };
  const gained = { ...EMPTY };
  for (const s of ["yellow", "red", "green", "brown"] as const) {
    const d = after[s] - before[s];
    if (d < 0) paid[s] = -d;
    else gained[s] = d;
  }
  return { paid, gained };
}

function acquire(draft: Draft, player: PlayerState, cmd: AcquireCommand): Decision {
  const row = draft.state.merchantRow;
  if (cmd.index >= row.length) return reject("INVALID_INDEX", `there is no merchant card at slot ${cmd.index}; the row has ${row.length} (slots 0 to ${row.length - 1})`);
  const deposits = cmd.deposits ?? lowestFirst(player.caravan).slice(0, cmd.index);
  if (cmd.deposits === undefined && deposits.length < cmd.index) {
    return reject("INSUFFICIENT_SPICES", `slot ${cmd.index} costs ${cmd.index} spices (one on each card to its left); the caravan holds ${total(player.caravan)}`);
  }
  if (deposits.length !== cmd.index) {
    return reject("INVALID_DEPOSITS", `slot ${cmd.index} takes exactly ${cmd.index} deposits, one for each card to its left; got ${deposits.length}`);
  }
  const paying = countOf(deposits);
  if (!covers(player.caravan, paying)) return reject("INSUFFICIENT_SPICES", `the deposits need ${describe(paying)}; the caravan holds ${describe(player.caravan)}`);
  const slot = row[cmd.index]!;
  const caravan = add(subtract(player.caravan, paying), slot.deposits);
  draft.push({
    type: "ItemAcquired",
    playerId: player.playerId,
    data: {
      index: cmd.index,
      cardId: slot.card.id,
      card: slot.card,
      deposits: [...deposits],
      taken: { ...slot.deposits },
      caravan,
      refill: draft.state.merchantDeck[0] ?? null,
    },
  });
  closeAction(draft);
  return draft.accept();
}

function rest(draft: Draft, player: PlayerState): Decision {
  if (player.played.length === 0) return reject("NOTHING_TO_REST", "no played cards to take back");
  draft.push({ type: "PlayerRested", playerId: player.playerId, data: { count: player.played.length, cardIds: player.played.map((c) => c.id) } });
  closeAction(draft);
  return draft.accept();
}

function claim(draft: Draft, player: PlayerState, cmd: ClaimCommand): Decision {
  const state = draft.state;
  const card = state.pointRow[cmd.index];
  if (!card) return reject("INVALID_INDEX", `there is no point card at slot ${cmd.index}; the row has ${state.pointRow.length} (slots 0 to ${state.pointRow.length - 1})`);
  if (!covers(player.caravan, card.cost)) return reject("INSUFFICIENT_SPICES", `card ${card.id} costs ${describe(card.cost)}; the caravan holds ${describe(player.caravan)}`);
  draft.push({
    type: "ClaimCompleted",
    playerId: player.playerId,
    data: {
      index: cmd.index,
      cardId: card.id,
      card,
      coin: coinAt(state.coins, cmd.index),
      paid: full(card.cost),
      caravan: subtract(player.caravan, card.cost),
      refill: state.pointDeck[0] ?? null,
    },
  });
  closeAction(draft);
  return draft.accept();
}

function discard(draft: Draft, player: PlayerState, cmd: DiscardCommand): Decision {
  const capacity = draft.state.settings!.caravanCapacity;
  const spices = full(cmd.spices);
  if (!covers(player.caravan, spices)) return reject("INSUFFICIENT_SPICES", `cannot discard ${describe(spices)}: the caravan holds ${describe(player.caravan)}`);
  const caravan = subtract(player.caravan, spices);
  if (total(caravan) > capacity) {
    return reject("CARAVAN_FULL", `after discarding ${describe(spices)} the caravan would hold ${total(caravan)} spices; discard down to ${capacity}`);
  }
  draft.push({ type: "SpicesDiscarded", playerId: player.playerId, data: { spices, caravan, automatic: false } });
  passTurn(draft);
  return draft.accept();
}
