import { describe, expect, test } from "bun:test";
import type { GameCommandBody, GameEvent } from "@gamejournal/shared";
import { decide } from "./decide.ts";
import { evolve, fold } from "./evolve.ts";
import { full } from "./spices.ts";
import { coinAt, initialState, playerOf, type GameState } from "./state.ts";
import { playerView } from "./view.ts";
import { act, c, cmd, merchant, pointCardOf, rejection, setPlayer, startedGame, types } from "./testing.ts";

const game = (n = 2) => startedGame(n, { seed: "actions" }).state;
const p = (state: GameState, id: number) => playerOf(state, id)!;
const code = (state: GameState, playerId: number, command: GameCommandBody) => rejection(state, playerId, cmd(command));
const message = (state: GameState, playerId: number, command: GameCommandBody) => {
  const d = decide(state, cmd(command), { playerId });
  return d.ok ? "accepted" : d.message;
};

describe("who may act", () => {
  test("only the current player; only seated players; only well-formed commands", () => {
    const state = game();
    expect(code(state, 2, { type: "playCard", cardId: "start2-yy" })).toBe("NOT_YOUR_TURN");
    expect(message(state, 2, { type: "rest" })).toBe("it is player 1's turn");
    expect(code(state, 7, { type: "rest" })).toBe("NOT_A_PLAYER");
    expect(rejection(state, 1, { type: "fly", commandId: "x" })).toBe("INVALID_COMMAND");
    expect(rejection(state, 1, { type: "rest" })).toBe("INVALID_COMMAND"); // no commandId
    expect(rejection(state, 1, { type: "rest", commandId: "" })).toBe("INVALID_COMMAND");
    expect(rejection(state, 1, { type: "rest", commandId: "x".repeat(129) })).toBe("INVALID_COMMAND");
    expect(rejection(state, 1, { type: "claim", commandId: "x", index: -1 })).toBe("INVALID_INDEX");
    expect(rejection(state, 1, null)).toBe("INVALID_COMMAND");
  });
});

describe("play a card", () => {
  test("a spice card gains its spices; the card goes to the played cards; the turn passes", () => {
    const { state, events } = act(game(), 1, { type: "playCard", cardId: "start1-yy" });
    expect(types(events)).toEqual(["CardPlayed", "TurnEnded"]);
    expect(events[0]).toEqual({
      type: "CardPlayed",
      playerId: 1,
      data: { cardId: "start1-yy", card: { id: "start1-yy", kind: "spice", gain: { yellow: 2 } }, paid: c(""), gained: c("YY"), caravan: c("YYYYY") },
    });
    expect(events[1]).toEqual({ type: "TurnEnded", playerId: 1, data: { nextPlayer: 2, round: 1 } });
    expect(p(state, 1).caravan).toEqual(c("YYYYY"));
    expect(p(state, 1).hand.map((h) => h.id)).toEqual(["start1-up2"]);
    expect(p(state, 1).played.map((h) => h.id)).toEqual(["start1-yy"]);
    expect(state).toMatchObject({ currentPlayer: 2, round: 1, phase: "action" });
    // Played cards cannot be played again; other players' cards and unknown ids are not in hand.
    const back = act(state, 2, { type: "playCard", cardId: "start2-yy" }).state;
    expect(code(back, 1, { type: "playCard", cardId: "start1-yy" })).toBe("INVALID_CARD");
    expect(message(back, 1, { type: "playCard", cardId: "start1-yy" })).toContain("rest");
    expect(code(back, 1, { type: "playCard", cardId: "start2-up2" })).toBe("INVALID_CARD");
    expect(code(back, 1, { type: "playCard", cardId: "m01" })).toBe("INVALID_CARD");
  });

  test("a spice card takes neither a multiplier nor upgrades", () => {
    expect(code(game(), 1, { type: "playCard", cardId: "start1-yy", multiplier: 2 })).toBe("INVALID_MULTIPLIER");
    expect(code(game(), 1, { type: "playCard", cardId: "start1-yy", upgrades: [] })).toBe("INVALID_UPGRADE");
    expect(code(game(), 1, { type: "playCard", cardId: "start1-yy", multiplier: 1 })).toBe("accepted");
  });

  test("an upgrade raises the chosen spices step by step, up to its steps; the same spice may rise twice", () => {
    const up = (caravan: string, upgrades: string[]) =>
      act(setPlayer(game(), 1, { caravan: c(caravan) }), 1, { type: "playCard", cardId: "start1-up2", upgrades: upgrades as never }).state;
    expect(p(up("YYY", ["yellow", "yellow"]), 1).caravan).toEqual(c("YRR"));
    expect(p(up("YYY", ["yellow", "red"]), 1).caravan).toEqual(c("YYG"));
    expect(p(up("YRG", ["green", "red"]), 1).caravan).toEqual(c("YGB"));
    expect(p(up("YYY", ["yellow"]), 1).caravan).toEqual(c("YYR")); // a step left unused
    expect(p(up("YYY", []), 1).caravan).toEqual(c("YYY")); // both unused
    const played = act(setPlayer(game(), 1, { caravan: c("YYY") }), 1, { type: "playCard", cardId: "start1-up2", upgrades: ["yellow", "red"] }).events[0]!;
    expect(played.data).toMatchObject({ upgrades: ["yellow", "red"], paid: c("Y"), gained: c("G"), caravan: c("YYG") });
  });

  test("bad upgrades are rejected: too many steps, brown, a spice not held, none given, a multiplier", () => {
    const state = setPlayer(game(), 1, { caravan: c("YYB") });
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["yellow", "yellow", "yellow"] })).toBe("INVALID_UPGRADE");
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["brown"] })).toBe("INVALID_UPGRADE");
    expect(message(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["brown"] })).toContain("brown");
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["green"] })).toBe("INSUFFICIENT_SPICES");
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["red"] })).toBe("INSUFFICIENT_SPICES");
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2" })).toBe("INVALID_UPGRADE");
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["purple"] as never })).toBe("INVALID_UPGRADE");
    expect(code(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["yellow"], multiplier: 2 })).toBe("INVALID_MULTIPLIER");
    // Upgrade 3 from the deck raises three steps.
    const three = merchant("up3");
    const withThree = setPlayer(game(), 1, { caravan: c("Y"), hand: [three] });
    expect(p(act(withThree, 1, { type: "playCard", cardId: three.id, upgrades: ["yellow", "red", "green"] }).state, 1).caravan).toEqual(c("B"));
  });

  test("a trade pays and gains once, or multiplier times while the caravan can pay", () => {
    const trade = merchant("YY>RR");
    const state = setPlayer(game(), 1, { caravan: c("YYYYYG"), hand: [trade] });
    expect(p(act(state, 1, { type: "playCard", cardId: trade.id }).state, 1).caravan).toEqual(c("YYYRRG"));
    const twice = act(state, 1, { type: "playCard", cardId: trade.id, multiplier: 2 });
    expect(p(twice.state, 1).caravan).toEqual(c("YRRRRG"));
    expect(twice.events[0]!.data).toMatchObject({ multiplier: 2, paid: c("YYYY"), gained: c("RRRR") });
    expect(code(state, 1, { type: "playCard", cardId: trade.id, multiplier: 3 })).toBe("INSUFFICIENT_SPICES");
    expect(code(setPlayer(state, 1, { caravan: c("Y") }), 1, { type: "playCard", cardId: trade.id })).toBe("INSUFFICIENT_SPICES");
    for (const multiplier of [0, -1, 1.5, 1001]) expect(code(state, 1, { type: "playCard", cardId: trade.id, multiplier })).toBe("INVALID_MULTIPLIER");
    expect(code(state, 1, { type: "playCard", cardId: trade.id, upgrades: ["yellow"] })).toBe("INVALID_UPGRADE");
    // A trade whose gain overlaps its cost.
    const mixed = merchant("G>RRY");
    expect(p(act(setPlayer(game(), 1, { caravan: c("GG"), hand: [mixed] }), 1, { type: "playCard", cardId: mixed.id, multiplier: 2 }).state, 1).caravan).toEqual(c("YYRRRR"));
  });
});

describe("acquire", () => {
  test("the leftmost card is free; the row slides left and the deck refills the last slot", () => {
    const before = game();
    const row = before.merchantRow.map((s) => s.card.id);
    const top = before.merchantDeck[0]!;
    const { state, events } = act(before, 1, { type: "acquire", index: 0 });
    expect(events[0]).toEqual({
      type: "ItemAcquired",
      playerId: 1,
      data: { index: 0, cardId: row[0]!, card: before.merchantRow[0]!.card, deposits: [], taken: c(""), caravan: c("YYY"), refill: top },
    });
    expect(p(state, 1).hand.map((h) => h.id)).toEqual(["start1-yy", "start1-up2", row[0]!]);
    expect(state.merchantRow.map((s) => s.card.id)).toEqual([...row.slice(1), top.id]);
    expect(state.merchantDeck).toHaveLength(36);
  });

  test("one chosen spice on each card to the left; the next player takes the spices lying on a card", () => {
    const before = setPlayer(game(), 1, { caravan: c("YYRG") });
    const row = before.merchantRow.map((s) => s.card.id);
    const { state } = act(before, 1, { type: "acquire", index: 3, deposits: ["red", "yellow", "green"] });
    expect(p(state, 1).caravan).toEqual(c("Y"));
    expect(state.merchantRow.map((s) => [s.card.id, s.deposits])).toEqual([
      [row[0]!, c("R")],
      [row[1]!, c("Y")],
      [row[2]!, c("G")],
      [row[4]!, c("")],
      [row[5]!, c("")],
      [before.merchantDeck[0]!.id, c("")],
    ]);
    const next = act(state, 2, { type: "acquire", index: 2, deposits: ["yellow", "yellow"] });
    expect(next.events[0]!.data).toMatchObject({ cardId: row[2], deposits: ["yellow", "yellow"], taken: c("G"), caravan: c("YYG") });
    expect(p(next.state, 2).caravan).toEqual(c("YYG"));
    expect(next.state.merchantRow.map((s) => s.deposits).slice(0, 2)).toEqual([c("RY"), c("YY")]);
  });

  test("without deposits the lowest spices are paid", () => {
    const { state, events } = act(setPlayer(game(), 1, { caravan: c("RYG") }), 1, { type: "acquire", index: 2 });
    expect(events[0]!.data).toMatchObject({ deposits: ["yellow", "red"] });
    expect(p(state, 1).caravan).toEqual(c("G"));
  });

  test("bad slots and deposits are rejected", () => {
    const state = setPlayer(game(), 1, { caravan: c("YY") });
    expect(code(state, 1, { type: "acquire", index: 6 })).toBe("INVALID_INDEX");
    expect(code(state, 1, { type: "acquire", index: 1.5 })).toBe("INVALID_INDEX");
    expect(code(state, 1, { type: "acquire", index: 2, deposits: ["yellow"] })).toBe("INVALID_DEPOSITS");
    expect(code(state, 1, { type: "acquire", index: 0, deposits: ["yellow"] })).toBe("INVALID_DEPOSITS");
    expect(code(state, 1, { type: "acquire", index: 1, deposits: ["red"] })).toBe("INSUFFICIENT_SPICES");
    expect(code(state, 1, { type: "acquire", index: 3, deposits: ["yellow", "yellow", "yellow"] })).toBe("INSUFFICIENT_SPICES");
    expect(code(state, 1, { type: "acquire", index: 3 })).toBe("INSUFFICIENT_SPICES");
    expect(code(state, 1, { type: "acquire", index: 1, deposits: ["gold"] as never })).toBe("INVALID_DEPOSITS");
  });

  test("an exhausted deck leaves the row shorter", () => {
    const before = setPlayer({ ...game(), merchantDeck: [] }, 1, { caravan: c("YYYYY") });
    const { state: after, events } = act(before, 1, { type: "acquire", index: 4 });
    expect(events[0]!.data).toMatchObject({ refill: null });
    expect(after.merchantRow).toHaveLength(5);
    expect(playerView(after, null).merchants).toHaveLength(5);
    expect(code(after, 2, { type: "acquire", index: 5 })).toBe("INVALID_INDEX");
    // The row can empty out completely.
    let s = after;
    for (let i = 0; i < 5; i++) s = act(s, s.currentPlayer!, { type: "acquire", index: 0 }).state;
    expect(s.merchantRow).toEqual([]);
    expect(code(s, s.currentPlayer!, { type: "acquire", index: 0 })).toBe("INVALID_INDEX");
  });
});

describe("rest", () => {
  test("takes every played card back into hand; with nothing played it is rejected", () => {
    expect(code(game(), 1, { type: "rest" })).toBe("NOTHING_TO_REST");
    let state = act(game(), 1, { type: "playCard", cardId: "start1-yy" }).state;
    state = act(state, 2, { type: "playCard", cardId: "start2-yy" }).state;
    state = act(state, 1, { type: "playCard", cardId: "start1-up2", upgrades: ["yellow"] }).state;
    state = act(state, 2, { type: "acquire", index: 0 }).state;
    const { state: rested, events } = act(state, 1, { type: "rest" });
    expect(events[0]).toEqual({ type: "PlayerRested", playerId: 1, data: { count: 2, cardIds: ["start1-yy", "start1-up2"] } });
    expect(p(rested, 1).hand.map((h) => h.id)).toEqual(["start1-yy", "start1-up2"]);
    expect(p(rested, 1).played).toEqual([]);
    expect(p(rested, 1).caravan).toEqual(p(state, 1).caravan);
  });
});

describe("claim", () => {
  /** The player holds exactly the cost of the point card at `index`. */
  const affording = (state: GameState, playerId: number, index: number) => setPlayer(state, playerId, { caravan: full(state.pointRow[index]!.cost) });

  test("slot 0 gives a gold coin, slot 1 a silver one, other slots none; the row slides and refills", () => {
    const before = game();
    const cost = before.pointRow[0]!;
    const { state, events } = act(affording(before, 1, 0), 1, { type: "claim", index: 0 });
    expect(types(events)).toEqual(["ClaimCompleted", "TurnEnded"]);
    expect(events[0]!.data).toEqual({
      index: 0,
      cardId: cost.id,
      card: cost,
      coin: "gold",
      paid: full(cost.cost),
      caravan: c(""),
      refill: before.pointDeck[0]!,
    });
    expect(p(state, 1)).toMatchObject({ pointCards: [cost], coins: { gold: 1, silver: 0 }, caravan: c("") });
    expect(state.coins).toEqual({ gold: 3, silver: 4 });
    expect(state.pointRow.map((x) => x.id)).toEqual([...before.pointRow.slice(1).map((x) => x.id), before.pointDeck[0]!.id]);

    const silver = act(affording(state, 2, 1), 2, { type: "claim", index: 1 });
    expect(silver.events[0]!.data).toMatchObject({ coin: "silver" });
    expect(p(silver.state, 2).coins).toEqual({ gold: 0, silver: 1 });
    const none = act(affording(silver.state, 1, 4), 1, { type: "claim", index: 4 });
    expect(none.events[0]!.data).toMatchObject({ coin: null });
    expect(none.state.coins).toEqual({ gold: 3, silver: 3 });
  });

  test("when the gold runs out the silver coins move to slot 0", () => {
    let state: GameState = { ...game(), coins: { gold: 1, silver: 3 } };
    expect(playerView(state, null).pointRow.map((s) => s.coin ?? null)).toEqual(["gold", "silver", null, null, null]);
    state = act(affording(state, 1, 0), 1, { type: "claim", index: 0 }).state;
    expect(state.coins).toEqual({ gold: 0, silver: 3 });
    expect(playerView(state, null).pointRow.map((s) => s.coin ?? null)).toEqual(["silver", null, null, null, null]);
    const onSlot1 = act(affording(state, 2, 1), 2, { type: "claim", index: 1 });
    expect(onSlot1.events[0]!.data).toMatchObject({ coin: null });
    const onSlot0 = act(affording(onSlot1.state, 1, 0), 1, { type: "claim", index: 0 });
    expect(onSlot0.events[0]!.data).toMatchObject({ coin: "silver" });
    expect(p(onSlot0.state, 1).coins).toEqual({ gold: 1, silver: 1 });
    // With no coins left, no slot carries one.
    expect([0, 1].map((i) => coinAt({ gold: 0, silver: 0 }, i))).toEqual([null, null]);
    expect([0, 1].map((i) => coinAt({ gold: 2, silver: 0 }, i))).toEqual(["gold", null]);
  });

  test("costs must be paid in full; the slot must exist; an exhausted deck leaves the row shorter", () => {
    const state = game();
    expect(code(setPlayer(state, 1, { caravan: c("") }), 1, { type: "claim", index: 0 })).toBe("INSUFFICIENT_SPICES");
    expect(code(state, 1, { type: "claim", index: 5 })).toBe("INVALID_INDEX");
    const short = act(affording({ ...state, pointDeck: [] }, 1, 2), 1, { type: "claim", index: 2 });
    expect(short.events[0]!.data).toMatchObject({ refill: null });
    expect(short.state.pointRow).toHaveLength(4);
  });

  test("a specific card: YYRR (6 points) from YYYRRG leaves YG", () => {
    const card = pointCardOf("YYRR");
    const state = setPlayer({ ...game(), pointRow: [card, ...game().pointRow.filter((x) => x.id !== card.id).slice(0, 4)] }, 1, { caravan: c("YYYRRG") });
    const after = act(state, 1, { type: "claim", index: 0 }).state;
    expect(p(after, 1).caravan).toEqual(c("YG"));
    expect(p(after, 1).pointCards.map((x) => x.points)).toEqual([6]);
  });
});

describe("the caravan limit", () => {
  test("an action that leaves more than the capacity keeps the turn for a discard", () => {
    const state = setPlayer(game(), 1, { caravan: c("YYYYYYYYY") }); // 9
    const { state: overfull, events } = act(state, 1, { type: "playCard", cardId: "start1-yy" });
    expect(types(events)).toEqual(["CardPlayed"]);
    expect(overfull).toMatchObject({ currentPlayer: 1, phase: "discard" });
    expect(playerView(overfull, 2)).toMatchObject({ currentPlayer: 1, phase: "discard" });
    for (const command of [{ type: "rest" }, { type: "acquire", index: 0 }, { type: "claim", index: 0 }, { type: "playCard", cardId: "start1-up2", upgrades: [] }] satisfies GameCommandBody[]) {
      expect(code(overfull, 1, command)).toBe("MUST_DISCARD");
    }
    expect(code(overfull, 2, { type: "discard", spices: { yellow: 1 } })).toBe("NOT_YOUR_TURN");
    expect(code(overfull, 1, { type: "discard", spices: {} })).toBe("CARAVAN_FULL");
    expect(message(overfull, 1, { type: "discard", spices: {} })).toContain("discard down to 10");
    expect(code(overfull, 1, { type: "discard", spices: { red: 1 } })).toBe("INSUFFICIENT_SPICES");
    expect(rejection(overfull, 1, cmd({ type: "discard", spices: { purple: 1 } as never }))).toBe("INVALID_COMMAND");
    const discarded = act(overfull, 1, { type: "discard", spices: { yellow: 1 } });
    expect(discarded.events).toEqual([
      { type: "SpicesDiscarded", playerId: 1, data: { spices: c("Y"), caravan: c("YYYYYYYYYY"), automatic: false } },
      { type: "TurnEnded", playerId: 1, data: { nextPlayer: 2, round: 1 } },
    ]);
    expect(discarded.state).toMatchObject({ currentPlayer: 2, phase: "action" });
    // Discarding more than needed is allowed.
    expect(p(act(overfull, 1, { type: "discard", spices: { yellow: 4 } }).state, 1).caravan).toEqual(c("YYYYYYY"));
  });

  test("endTurn in the discard phase drops the lowest spices first and passes; outside it endTurn and discard are rejected", () => {
    expect(code(game(), 1, { type: "endTurn" })).toBe("ACTION_REQUIRED");
    expect(code(game(), 1, { type: "discard", spices: { yellow: 1 } })).toBe("NO_DISCARD_NEEDED");
    // B>GG twice turns YRG4B4 (10) into YRG8B2 (12): 2 over, so the yellow and then the red go.
    const trade = merchant("B>GG");
    const mid = act(setPlayer(game(), 1, { caravan: c("YRGGGGBBBB"), hand: [trade] }), 1, { type: "playCard", cardId: trade.id, multiplier: 2 });
    expect(p(mid.state, 1).caravan).toEqual(c("YRGGGGGGGGBB"));
    expect(mid.state.phase).toBe("discard");
    const ended = act(mid.state, 1, { type: "endTurn" });
    expect(ended.events).toEqual([
      { type: "SpicesDiscarded", playerId: 1, data: { spices: c("YR"), caravan: c("GGGGGGGGBB"), automatic: true } },
      { type: "TurnEnded", playerId: 1, data: { nextPlayer: 2, round: 1 } },
    ]);
  });

  test("taking deposits with an acquire can overfill the caravan too", () => {
    let state = game();
    state = { ...state, merchantRow: state.merchantRow.map((s, i) => (i === 0 ? { ...s, deposits: c("RRRR") } : s)) };
    state = setPlayer(state, 1, { caravan: c("YYYYYYYY") });
    const { state: after, events } = act(state, 1, { type: "acquire", index: 0 });
    expect(types(events)).toEqual(["ItemAcquired"]);
    expect(after.phase).toBe("discard");
    expect(p(act(after, 1, { type: "discard", spices: { red: 2 } }).state, 1).caravan).toEqual(c("YYYYYYYYRR"));
  });

  test("a caravan of exactly the capacity passes the turn", () => {
    const { events } = act(setPlayer(game(), 1, { caravan: c("YYYYYYYY") }), 1, { type: "playCard", cardId: "start1-yy" });
    expect(types(events)).toEqual(["CardPlayed", "TurnEnded"]);
  });
});

describe("evolve", () => {
  test("an unknown event type only raises the version", () => {
    const state = game();
    const next = evolve(state, { type: "GameStateUpdated", playerId: null, data: {} } as never);
    expect(next).toEqual({ ...state, version: state.version + 1 });
  });

  test("events out of place do not throw (a player who is not there, a slot that is not there)", () => {
    const caravan = c("Y");
    const odd: GameEvent[] = [
      { type: "CardPlayed", playerId: 9, data: { cardId: "m01", card: merchant("YYY"), paid: c(""), gained: c("YYY"), caravan } },
      { type: "ItemAcquired", playerId: 1, data: { index: 40, deposits: ["yellow"], taken: c(""), caravan, refill: null } },
      { type: "ClaimCompleted", playerId: 1, data: { index: 40, cardId: "p01", card: pointCardOf("YYRR"), coin: null, paid: c(""), caravan, refill: null } },
      { type: "TurnEnded", playerId: 1, data: { nextPlayer: 2, round: 1 } },
    ];
    for (const from of [initialState(), game()]) {
      const after = fold(odd, from);
      expect(after.version).toBe(from.version + odd.length);
      expect(after.merchantRow).toEqual(from.merchantRow);
      expect(after.pointRow).toEqual(from.pointRow);
    }
  });
});
