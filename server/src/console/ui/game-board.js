// A game room's board, drawn from a spectator's state view (the server's or game-view.js's fold):
// the merchant row with its deposits, the point row with its coins, each player's caravan,
// hand size, played cards, point cards and coins, and whose turn it is in which phase.
import { badge, h, table } from "./dom.js";
import { fmtMerchant, fmtSpices, SPICES } from "./game-view.js";

export const STATUS_KIND = { waiting: "warn", playing: "ok", finished: "" };

/** Spice counts as coloured chips (nothing for an empty caravan but a dash). */
export function spices(counts) {
  const chips = SPICES.filter((s) => counts?.[s]).map((s) => h(`span.spice.${s}`, { title: s }, String(counts[s])));
  return chips.length ? h("span.spices", chips) : h("span.muted", "–");
}

export function board(view) {
  const current = view.players.find((p) => p.playerId === view.currentPlayer);
  const winner = view.players.find((p) => p.playerId === view.winner);
  return h(
    "div.board",
    h(
      "div.cards",
      h("div.card", h("div.label", "status"), badge(view.status, STATUS_KIND[view.status] ?? "")),
      h("div.card.turn", h("div.label", "turn"), h("b", current ? `${current.name} · ${view.phase}` : "–"), h("div.muted", `round ${view.round}`)),
      h("div.card", h("div.label", "version"), h("b.version", String(view.version))),
      h("div.card", h("div.label", "decks"), h("b", `${view.merchantDeckCount} merchant · ${view.pointDeckCount} point`)),
      h("div.card", h("div.label", "coins left"), h("b", `${view.coins.gold} gold · ${view.coins.silver} silver`)),
      view.status === "finished" ? h("div.card", h("div.label", "winner"), h("b", winner ? winner.name : "nobody")) : null,
    ),
    h("h3", "Merchant row"),
    h(
      "div.row.merchants",
      view.merchants.length ? view.merchants.map((m, i) => h("div.gcard", { dataset: { slot: i } }, h("div.muted", `${i + 1} · ${m.card.id}`), h("b", fmtMerchant(m.card)), spices(m.deposits))) : h("span.muted", "dealt when the game starts"),
    ),
    h("h3", "Point row"),
    h(
      "div.row.points",
      view.pointRow.length
        ? view.pointRow.map((p, i) => h("div.gcard", { dataset: { slot: i } }, h("div.muted", `${i + 1} · ${p.card.id}`), h("b", `${p.card.points} pts`), spices(p.card.cost), p.coin ? badge(p.coin, `coin.${p.coin}`) : null))
        : h("span.muted", view.status === "waiting" ? "dealt when the game starts" : "empty"),
    ),
    h("h3", "Players"),
    table(
      ["seat", "player", "caravan", "hand", "played", "point cards", "coins", ...(view.status === "finished" ? ["score"] : [])],
      view.players.map((p) =>
        h(
          `tr.player${p.playerId === view.currentPlayer ? ".current" : ""}`,
          { dataset: { player: p.playerId } },
          h("td.num", String(p.playerId)),
          h("td", p.playerId === view.currentPlayer ? "▶ " : "", p.name, p.left ? [" ", badge("left", "warn")] : null),
          h("td.caravan", spices(p.caravan)),
          h("td.num.hand", String(p.handCount)),
          h("td.played", p.played.map((c) => fmtMerchant(c)).join(" · ") || "–"),
          h("td.point-cards", p.pointCards.length ? `${p.pointCards.length}: ${p.pointCards.map((c) => c.points).join(" + ")} pts` : "–"),
          h("td", `${p.coins.gold} gold · ${p.coins.silver} silver`),
          view.status === "finished" ? h("td.num", String(p.score ?? "–")) : null,
        ),
      ),
      { empty: "no seat taken yet" },
    ),
  );
}
