import { SPICES, type Caravan, type GameCommand, type MerchantCard, type Spice } from "@gamejournal/shared";
import { pick, randomInt, type Random } from "./random.ts";
import { above, countOf, covers, EMPTY, lowestFirst, timesAffordable, total } from "./spices.ts";
import { playerOf, type GameState, type PlayerState } from "./state.ts";

/**
 * A bot for tests and the benchmark: the commands a player may send now, and
 * a random legal one. Command ids are `bot-<version>-<n>`, unique within a
 * game's version, so a retry of the same decision keeps its id.
 */

/** Whether `playerId` is the one to move. */
export const isToMove = (state: GameState, playerId: number): boolean =>
  state.status === "playing" && state.currentPlayer === playerId && playerOf(state, playerId)?.left === false;

/** The schema's bound on `multiplier`. */
const MAX_MULTIPLIER = 1000;

/**
 * Every command `playerId` may send now (none when it is not their turn).
 * Complete but for choices that only differ in which spices are paid: an
 * acquire lists one deposit choice per slot (the lowest spices), and a
 * discard lists every way to end exactly at the capacity.
 */
export function legalCommands(state: GameState, playerId: number): GameCommand[] {
  const player = playerOf(state, playerId);
  if (!player || !isToMove(state, playerId)) return [];
  let n = 0;
  const commandId = () => `bot-${state.version}-${n++}`;
  const out: GameCommand[] = [];
  if (state.phase === "discard") {
    out.push({ commandId: commandId(), type: "endTurn" });
    const excess = total(player.caravan) - state.settings!.caravanCapacity;
    for (const spices of multisets(player.caravan, excess)) out.push({ commandId: commandId(), type: "discard", spices });
    return out;
  }
  for (const card of player.hand) {
    for (const play of plays(card, player.caravan)) out.push({ commandId: commandId(), type: "playCard", cardId: card.id, ...play });
  }
  state.merchantRow.forEach((_, index) => {
    if (total(player.caravan) >= index) out.push({ commandId: commandId(), type: "acquire", index, deposits: lowestFirst(player.caravan).slice(0, index) });
  });
  if (player.played.length > 0) out.push({ commandId: commandId(), type: "rest" });
  state.pointRow.forEach((card, index) => {
    if (covers(player.caravan, card.cost)) out.push({ commandId: commandId(), type: "claim", index });
  });
  return out;
}

/** The ways to play `card` with `caravan`: `{}` for a spice card, each multiplier of a trade, each upgrade sequence. */
function plays(card: MerchantCard, caravan: Caravan): Array<{ multiplier?: number; upgrades?: Spice[] }> {
  switch (card.kind) {
    case "spice":
      return [{}];
    case "trade": {
      const max = Math.min(MAX_MULTIPLIER, timesAffordable(caravan, card.cost ?? {}));
      return Array.from({ length: Number.isFinite(max) ? max : 1 }, (_, i) => ({ multiplier: i + 1 }));
    }
    case "upgrade":
      return upgradeSequences(caravan, card.steps ?? 0).map((upgrades) => ({ upgrades }));
  }
}

function upgradeSequences(caravan: Caravan, steps: number): Spice[][] {
  const out: Spice[][] = [[]];
  if (steps === 0) return out;
  for (const spice of SPICES) {
    const to = above(spice);
    if (!to || caravan[spice] < 1) continue;
    const next = { ...caravan, [spice]: caravan[spice] - 1, [to]: caravan[to] + 1 };
    for (const rest of upgradeSequences(next, steps - 1)) out.push([spice, ...rest]);
  }
  return out;
}

/** Every multiset of `size` spices drawn from `caravan`. */
function multisets(caravan: Caravan, size: number): Caravan[] {
  const out: Caravan[] = [];
  const walk = (i: number, left: number, acc: Caravan) => {
    if (i === SPICES.length) {
      if (left === 0) out.push(acc);
      return;
    }
    const s = SPICES[i]!;
    for (let k = 0; k <= Math.min(left, caravan[s]); k++) walk(i + 1, left - k, { ...acc, [s]: k });
  };
  if (size > 0) walk(0, size, { ...EMPTY });
  return out;
}

/**
 * A random legal command for `playerId`, or null when it is not their turn.
 * Not uniform over `legalCommands`: it claims an affordable point card most of
 * the time and otherwise picks an action kind, then its details (the card, a
 * multiplier, upgrade steps, random deposits), so games end in a few hundred
 * turns. In the discard phase it discards random spices or sends `endTurn`.
 */
export function randomCommand(state: GameState, playerId: number, random: Random): GameCommand | null {
  const player = playerOf(state, playerId);
  if (!player || !isToMove(state, playerId)) return null;
  const commandId = `bot-${state.version}-${randomInt(random, 1e9)}`;
  if (state.phase === "discard") {
    if (random() < 0.3) return { commandId, type: "endTurn" };
    const excess = total(player.caravan) - state.settings!.caravanCapacity;
    const pool = lowestFirst(player.caravan);
    const chosen: Spice[] = [];
    for (let i = 0; i < excess; i++) chosen.push(pool.splice(randomInt(random, pool.length), 1)[0]!);
    return { commandId, type: "discard", spices: countOf(chosen) };
  }

  const claims = state.pointRow.flatMap((card, index) => (covers(player.caravan, card.cost) ? [index] : []));
  if (claims.length > 0 && random() < 0.85) return { commandId, type: "claim", index: pick(random, claims) };

  const options: Array<() => GameCommand> = [];
  const playable = player.hand.filter((card) => card.kind !== "trade" || covers(player.caravan, card.cost ?? {}));
  if (playable.length > 0) {
    const play = () => playRandom(commandId, pick(random, playable), player, random);
    options.push(play, play, play);
  }
  const slots = state.merchantRow.flatMap((_, index) => (total(player.caravan) >= index ? [index] : []));
  if (slots.length > 0) options.push(() => acquireRandom(commandId, pick(random, slots), player, random));
  if (player.played.length > 0) options.push(() => ({ commandId, type: "rest" }));
  if (claims.length > 0) options.push(() => ({ commandId, type: "claim", index: pick(random, claims) }));
  return options.length > 0 ? pick(random, options)() : null;
}

function playRandom(commandId: string, card: MerchantCard, player: PlayerState, random: Random): GameCommand {
  switch (card.kind) {
    case "spice":
      return { commandId, type: "playCard", cardId: card.id };
    case "trade": {
      const max = Math.min(MAX_MULTIPLIER, timesAffordable(player.caravan, card.cost ?? {}));
      return { commandId, type: "playCard", cardId: card.id, multiplier: 1 + randomInt(random, Number.isFinite(max) ? max : 1) };
    }
    case "upgrade": {
      const caravan = { ...player.caravan };
      const upgrades: Spice[] = [];
      for (let step = 0; step < (card.steps ?? 0); step++) {
        const raisable = SPICES.filter((s) => above(s) && caravan[s] > 0);
        if (raisable.length === 0 || random() < 0.1) break;
        const s = pick(random, raisable);
        caravan[s] -= 1;
        caravan[above(s)!] += 1;
        upgrades.push(s);
      }
      return { commandId, type: "playCard", cardId: card.id, upgrades };
    }
  }
}

function acquireRandom(commandId: string, index: number, player: PlayerState, random: Random): GameCommand {
  const pool = lowestFirst(player.caravan);
  const deposits: Spice[] = [];
  for (let i = 0; i < index; i++) deposits.push(pool.splice(randomInt(random, pool.length), 1)[0]!);
  return { commandId, type: "acquire", index, deposits };
}
