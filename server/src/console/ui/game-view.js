// A game room as a spectator sees it, folded in the page from the events a spectator reads
// (`games.history`, the `games.events` feed), so the console can show the board at any
// version of the log, not only the newest.
//
// 1. `foldEvent(view, event)` answers the state view `GET /api/games/{id}` gives a caller
//    without a seat token (server/src/games/rules/view.ts) after that event: the rules'
//    `evolve` restricted to what is public. Nothing here decides anything.
// 2. Everything it needs is in the public events: caravans after each action, the cards
//    dealt into the rows (`refill`), hand sizes; the hidden decks only as counts.
// 3. test/console/game-view.test.ts folds bot games both ways and compares at every event.
//
// No DOM here: the board is drawn by game-board.js.

export const SPICES = ["yellow", "red", "green", "brown"];
const LETTER = { yellow: "Y", red: "R", green: "G", brown: "B" };
const none = () => ({ yellow: 0, red: 0, green: 0, brown: 0 });

/** The view before the first event (the server answers "not found" for such a game). */
export function emptyView(gameId = "") {
  return { gameId, status: "waiting", version: 0, numPlayers: 0, settings: null, round: 0, currentPlayer: null, phase: null, players: [], merchants: [], merchantDeckCount: 0, pointRow: [], pointDeckCount: 0, coins: { gold: 0, silver: 0 } };
}

/** The view after `event`; `before` is not changed. */
export function foldEvent(before, event) {
  const d = event.data ?? {};
  const v = event.type === "GameCreated" ? { ...emptyView(d.gameId), numPlayers: d.numPlayers, settings: d.settings } : structuredClone(before);
  v.version = before.version + 1;
  const p = v.players.find((x) => x.playerId === event.playerId);
  switch (event.type) {
    case "PlayerJoined":
      v.players = [...v.players.filter((x) => x.playerId !== d.playerId), { playerId: d.playerId, name: d.name, caravan: none(), handCount: 0, played: [], pointCards: [], coins: { gold: 0, silver: 0 }, left: false }];
      v.players.sort((a, b) => a.playerId - b.playerId);
      break;
    case "PlayerLeft":
      if (d.during === "waiting") v.players = v.players.filter((x) => x.playerId !== d.playerId);
      else for (const x of v.players) if (x.playerId === d.playerId) x.left = true;
      break;
    case "GameStarted":
      for (const x of v.players) {
        const seat = d.seats.find((s) => s.playerId === x.playerId);
        if (seat) Object.assign(x, { caravan: { ...seat.caravan }, handCount: seat.handCount });
      }
      Object.assign(v, { status: "playing", round: 1, currentPlayer: d.firstPlayer, phase: "action", merchantDeckCount: d.merchantDeckCount, pointDeckCount: d.pointDeckCount, coins: { ...d.coins } });
      v.merchants = d.merchantRow.map((card) => ({ card, deposits: none() }));
      v.pointRow = d.pointRow.map((card) => ({ card }));
      break;
    case "CardPlayed":
      if (p) Object.assign(p, { handCount: p.handCount - 1, played: [...p.played, d.card], caravan: d.caravan });
      afterAction(v);
      break;
    case "ItemAcquired":
      if (p) Object.assign(p, { handCount: p.handCount + 1, caravan: d.caravan });
      if (v.merchants[d.index]) {
        d.deposits.forEach((spice, i) => i < d.index && (v.merchants[i].deposits[spice] += 1));
        v.merchants.splice(d.index, 1);
        if (d.refill) v.merchants.push({ card: d.refill, deposits: none() });
        if (d.refill) v.merchantDeckCount -= 1;
      }
      afterAction(v);
      break;
    case "PlayerRested":
      if (p) Object.assign(p, { handCount: p.handCount + p.played.length, played: [] });
      break;
    case "ClaimCompleted": {
      const inRow = v.pointRow[d.index];
      if (inRow) v.pointRow.splice(d.index, 1);
      if (inRow && d.refill) v.pointRow.push({ card: d.refill });
      if (inRow && d.refill) v.pointDeckCount -= 1;
      if (p) Object.assign(p, { pointCards: [...p.pointCards, inRow?.card ?? d.card], caravan: d.caravan });
      if (p && d.coin) p.coins[d.coin] += 1;
      if (d.coin) v.coins[d.coin] = Math.max(0, v.coins[d.coin] - 1);
      afterAction(v);
      break;
    }
    case "SpicesDiscarded":
      if (p) p.caravan = d.caravan;
      afterAction(v);
      break;
    case "TurnEnded":
      Object.assign(v, { currentPlayer: d.nextPlayer, round: d.round, phase: d.nextPlayer === null ? null : "action" });
      break;
    case "GameFinished":
      Object.assign(v, { status: "finished", currentPlayer: null, phase: null, winner: d.winner });
      for (const s of d.scores) for (const x of v.players) if (x.playerId === s.playerId) x.score = s.score;
      break;
  }
  // The coins lie on the first two point cards (view.ts's coinAt): gold first, then silver.
  v.pointRow = v.pointRow.map(({ card }, i) => {
    const coin = coinAt(v.coins, i);
    return coin ? { card, coin } : { card };
  });
  return v;
}

function coinAt(coins, index) {
  if (index === 0) return coins.gold > 0 ? "gold" : coins.silver > 0 ? "silver" : null;
  if (index === 1) return coins.gold > 0 && coins.silver > 0 ? "silver" : null;
  return null;
}

/** After an action or a discard the turn waits in `discard` while the current player holds too many spices. */
function afterAction(v) {
  const current = v.players.find((x) => x.playerId === v.currentPlayer);
  if (!current || !v.settings || v.status !== "playing") return;
  v.phase = total(current.caravan) > v.settings.caravanCapacity ? "discard" : "action";
}

const total = (spices) => SPICES.reduce((sum, s) => sum + (spices?.[s] ?? 0), 0);

/** `{yellow: 2, red: 1}` → "2Y 1R" ("–" for none). */
export function fmtSpices(spices) {
  const parts = SPICES.filter((s) => spices?.[s]).map((s) => `${spices[s]}${LETTER[s]}`);
  return parts.length ? parts.join(" ") : "–";
}

/** A merchant card in a few characters: "+2Y", "upgrade ×2", "3Y → 1R 1G". */
export function fmtMerchant(card) {
  if (!card) return "a hidden card";
  if (card.kind === "spice") return `+${fmtSpices(card.gain)}`;
  if (card.kind === "upgrade") return `upgrade ×${card.steps}`;
  return `${fmtSpices(card.cost)} → ${fmtSpices(card.gain)}`;
}

/** One line saying what `event` did, with names from `view` (the view before it). */
export function describeEvent(event, view) {
  const d = event.data ?? {};
  const name = (id) => (id === null || id === undefined ? "nobody" : (view.players.find((x) => x.playerId === id)?.name ?? `seat ${id}`));
  const who = name(event.playerId);
  switch (event.type) {
    case "GameCreated":
      return `game created for ${d.numPlayers} players (caravans hold ${d.settings?.caravanCapacity})`;
    case "PlayerJoined":
      return `${d.name} took seat ${d.playerId}`;
    case "PlayerLeft":
      return d.during === "waiting" ? `${name(d.playerId)} left seat ${d.playerId} before the start` : `${name(d.playerId)} left the game (still scored, turns skipped)`;
    case "GameStarted":
      return `the game started: ${name(d.firstPlayer)} begins; ${d.merchantRow.length} merchant cards and ${d.pointRow.length} point cards on the table`;
    case "CardPlayed": {
      const how = d.multiplier > 1 ? ` ×${d.multiplier}` : d.upgrades?.length ? ` (${d.upgrades.join(", ")} up)` : "";
      return `${who} played ${d.cardId} ${fmtMerchant(d.card)}${how}: caravan ${fmtSpices(d.caravan)}`;
    }
    case "ItemAcquired":
      return `${who} acquired ${d.card ? `${d.cardId} ${fmtMerchant(d.card)}` : "the merchant card"} in slot ${d.index + 1}${d.deposits.length ? `, leaving ${d.deposits.map((s) => LETTER[s]).join(" ")} on the cards before it` : ""}: caravan ${fmtSpices(d.caravan)}`;
    case "PlayerRested":
      return `${who} rested: ${d.count} card${d.count === 1 ? "" : "s"} back to hand`;
    case "ClaimCompleted":
      return `${who} claimed ${d.cardId} (${d.card.points} points)${d.coin ? ` and a ${d.coin} coin` : ""}, paying ${fmtSpices(d.paid)}`;
    case "SpicesDiscarded":
      return `${who} discarded ${fmtSpices(d.spices)}${d.automatic ? " (chosen by the server)" : ""}: caravan ${fmtSpices(d.caravan)}`;
    case "TurnEnded":
      return d.nextPlayer === null ? "the last turn ended" : `${name(d.nextPlayer)}'s turn (round ${d.round})`;
    case "GameFinished": {
      const best = d.scores.find((s) => s.playerId === d.winner);
      return `game over (${d.reason}): ${d.winner === null ? "no winner" : `${name(d.winner)} wins with ${best?.score} points`}`;
    }
    default:
      return event.type;
  }
}
