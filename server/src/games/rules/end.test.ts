import { describe, expect, test } from "bun:test";
import type { GameEvent, GameEventOf, PlayerScore } from "@gamejournal/shared";
import { POINT_CARDS } from "./cards.ts";
import { decide } from "./decide.ts";
import { join, leave } from "./lobby.ts";
import { evolve } from "./evolve.ts";
import { scoreOf } from "./score-check.ts";
import { scoreBoard, winnerOf } from "./scoring.ts";
import { full } from "./spices.ts";
import { playerOf, type GameState } from "./state.ts";
import { playerView } from "./view.ts";
import { act, c, cmd, rejection, setPlayer, startedGame, types } from "./testing.ts";
import type { Decision } from "./decision.ts";

const apply = (state: GameState, d: Decision) => {
  if (!d.ok) throw new Error(`${d.code}: ${d.message}`);
  return { state: d.events.reduce(evolve, state), events: d.events };
};

/** `playerId` holds `count` point cards (from the far end of the catalogue) and exactly the cost of point-row slot 0. */
function aboutToClaim(state: GameState, playerId: number, count: number): GameState {
  return setPlayer(state, playerId, { pointCards: POINT_CARDS.slice(36 - count), caravan: full(state.pointRow[0]!.cost) });
}

/** Plays the current player's starting spice card (always in hand in these tests). */
const pass = (state: GameState) => act(state, state.currentPlayer!, { type: "playCard", cardId: `start${state.currentPlayer}-yy` });

const finished = (events: GameEvent[]) => events.find((e): e is GameEventOf<"GameFinished"> => e.type === "GameFinished");

describe("the end of the game", () => {
  test("2 players: the 6th point card ends the game after the round; the second seat still plays", () => {
    let state = aboutToClaim(startedGame(2).state, 1, 5);
    const claim = act(state, 1, { type: "claim", index: 0 });
    expect(types(claim.events)).toEqual(["ClaimCompleted", "TurnEnded"]);
    expect(claim.state).toMatchObject({ status: "playing", currentPlayer: 2 });
    const last = pass(claim.state);
    expect(types(last.events)).toEqual(["CardPlayed", "TurnEnded", "GameFinished"]);
    expect(last.events[1]).toEqual({ type: "TurnEnded", playerId: 2, data: { nextPlayer: null, round: 1 } });
    expect(finished(last.events)!.data).toMatchObject({ reason: "pointCards", round: 1 });
    state = last.state;
    expect(state).toMatchObject({ status: "finished", currentPlayer: null, phase: null });
    expect(playerView(state, null).players.every((p) => typeof p.score === "number")).toBe(true);
  });

  test("2 players: five point cards do not end the game", () => {
    const claim = act(aboutToClaim(startedGame(2).state, 1, 4), 1, { type: "claim", index: 0 });
    const next = pass(claim.state);
    expect(types(next.events)).toEqual(["CardPlayed", "TurnEnded"]);
    expect(next.state).toMatchObject({ status: "playing", currentPlayer: 1, round: 2 });
  });

  test("2 players: when the last seat claims the 6th card, the game ends with that turn", () => {
    const state = pass(startedGame(2).state).state;
    const claim = act(aboutToClaim(state, 2, 5), 2, { type: "claim", index: 0 });
    expect(types(claim.events)).toEqual(["ClaimCompleted", "TurnEnded", "GameFinished"]);
  });

  test("3 players: the 6th card by seat 2 lets seat 3 play, not seat 1", () => {
    let state = pass(startedGame(3).state).state;
    state = act(aboutToClaim(state, 2, 5), 2, { type: "claim", index: 0 }).state;
    expect(state).toMatchObject({ status: "playing", currentPlayer: 3 });
    const last = pass(state);
    expect(types(last.events)).toEqual(["CardPlayed", "TurnEnded", "GameFinished"]);
  });

  for (const n of [4, 5]) {
    test(`${n} players: the 5th point card ends the game once the round completes`, () => {
      let state = startedGame(n).state;
      // Round 1 passes; in round 2 seat 2 claims its 5th card.
      for (let i = 0; i < n; i++) state = pass(state).state;
      expect(state).toMatchObject({ round: 2, currentPlayer: 1 });
      state = act(state, 1, { type: "rest" }).state;
      state = act(aboutToClaim(state, 2, 4), 2, { type: "claim", index: 0 }).state;
      for (let seat = 3; seat < n; seat++) {
        const turn = act(state, seat, { type: "rest" });
        expect(types(turn.events)).toEqual(["PlayerRested", "TurnEnded"]);
        state = turn.state;
      }
      const last = act(state, n, { type: "rest" });
      expect(types(last.events)).toEqual(["PlayerRested", "TurnEnded", "GameFinished"]);
      expect(finished(last.events)!.data.round).toBe(2);
    });
  }

  test("4 players: four point cards do not end the game", () => {
    let state = act(aboutToClaim(startedGame(4).state, 1, 3), 1, { type: "claim", index: 0 }).state;
    for (let i = 0; i < 3; i++) state = pass(state).state;
    expect(state).toMatchObject({ status: "playing", round: 2, currentPlayer: 1 });
  });

  test("GAME_POINT_CARDS_TO_END overrides the count", () => {
    let state = act(aboutToClaim(startedGame(2, { settings: { pointCardsToEnd: 1 } }).state, 1, 0), 1, { type: "claim", index: 0 }).state;
    expect(types(pass(state).events)).toContain("GameFinished");
  });

  test("a final turn that overfills the caravan ends the game after the discard", () => {
    let state = act(aboutToClaim(startedGame(2).state, 1, 5), 1, { type: "claim", index: 0 }).state;
    state = setPlayer(state, 2, { caravan: c("YYYYYYYYYY") });
    const played = pass(state);
    expect(types(played.events)).toEqual(["CardPlayed"]);
    const discard = act(played.state, 2, { type: "discard", spices: { yellow: 2 } });
    expect(types(discard.events)).toEqual(["SpicesDiscarded", "TurnEnded", "GameFinished"]);
  });

  test("an empty point row ends the game at the end of the round", () => {
    let state: GameState = { ...startedGame(3).state, pointRow: [], pointDeck: [] };
    state = pass(state).state;
    state = pass(state).state;
    const last = pass(state);
    expect(finished(last.events)!.data.reason).toBe("pointRowEmpty");
  });

  test("after the end every command, join and leave is GAME_OVER", () => {
    let state = act(aboutToClaim(startedGame(2).state, 1, 5), 1, { type: "claim", index: 0 }).state;
    state = pass(state).state;
    for (const id of [1, 2]) expect(rejection(state, id, cmd({ type: "rest" }))).toBe("GAME_OVER");
    expect(join(state, { name: "late" })).toMatchObject({ code: "GAME_OVER" });
    expect(leave(state, 1)).toMatchObject({ code: "GAME_OVER" });
  });
});

describe("scoring", () => {
  /** A state just before the end, with hand-set scores. */
  function board(n: number, setups: Array<{ cards: string[]; gold: number; silver: number; caravan: string }>, settings = {}) {
    let state = startedGame(n, { settings }).state;
    setups.forEach((s, i) => {
      state = setPlayer(state, i + 1, {
        pointCards: s.cards.map((id) => POINT_CARDS.find((p) => p.id === id)!),
        coins: { gold: s.gold, silver: s.silver },
        caravan: c(s.caravan),
      });
    });
    return state;
  }
  const scoresOf = (scores: readonly PlayerScore[]) => scores.map((s) => s.score);

  test("points on cards + 3 per gold + 1 per silver + 1 per non-yellow spice", () => {
    // p01 = 6 points, p13 = 12 points, p36 = 20 points.
    const state = board(3, [
      { cards: ["p01", "p13"], gold: 1, silver: 2, caravan: "YYYRGB" }, // 18 + 3 + 2 + 3 = 26
      { cards: ["p36"], gold: 0, silver: 1, caravan: "YYYYYYYYYY" }, // 20 + 1 = 21
      { cards: [], gold: 2, silver: 0, caravan: "BBBB" }, // 6 + 4 = 10
    ]);
    const { scores, winner } = scoreBoard(state);
    expect(scoresOf(scores)).toEqual([26, 21, 10]);
    expect(scores[0]).toEqual({ playerId: 1, score: 26, cardPoints: 18, gold: 1, silver: 2, spicePoints: 3, pointCards: 2, left: false });
    expect(winner).toBe(1);
    expect(scoreOf(state)).toEqual({ scores: { 1: 26, 2: 21, 3: 10 }, winner: 1 });
  });

  test("coin values come from the game's settings", () => {
    const state = board(2, [
      { cards: [], gold: 2, silver: 3, caravan: "" },
      { cards: [], gold: 0, silver: 0, caravan: "" },
    ], { goldCoinPoints: 5, silverCoinPoints: 2 });
    expect(scoresOf(scoreBoard(state).scores)).toEqual([16, 0]);
    expect(scoreOf(state).scores[1]).toBe(16);
  });

  test("a tie goes to the tied player latest in turn order", () => {
    const state = board(4, [
      { cards: ["p36"], gold: 0, silver: 0, caravan: "" }, // 20
      { cards: ["p01"], gold: 4, silver: 2, caravan: "" }, // 6 + 12 + 2 = 20
      { cards: ["p02"], gold: 0, silver: 0, caravan: "" }, // 7
      { cards: ["p01"], gold: 0, silver: 0, caravan: "RRRRRRR" }, // 13
    ]);
    expect(scoresOf(scoreBoard(state).scores)).toEqual([20, 20, 7, 13]);
    expect(scoreBoard(state).winner).toBe(2);
    expect(scoreOf(state).winner).toBe(2);
  });

  test("the finished game records the scores and the winner, as the independent recomputation does", () => {
    let state = board(2, [
      { cards: ["p36", "p35", "p34", "p33", "p32"], gold: 0, silver: 0, caravan: "" },
      { cards: ["p01"], gold: 0, silver: 0, caravan: "" },
    ]);
    state = setPlayer(state, 1, { caravan: full(state.pointRow[0]!.cost) });
    state = act(state, 1, { type: "claim", index: 0 }).state;
    const end = pass(state);
    const data = finished(end.events)!.data;
    const check = scoreOf(end.state);
    expect(Object.fromEntries(data.scores.map((s) => [s.playerId, s.score]))).toEqual(check.scores);
    expect(data.winner).toBe(check.winner);
    expect(end.state.winner).toBe(1);
    expect(playerView(end.state, 2).winner).toBe(1);
    expect(playerView(end.state, 2).players.map((p) => p.score)).toEqual(data.scores.map((s) => s.score));
  });

  test("winnerOf skips players who left", () => {
    const s = (playerId: number, score: number, left = false): PlayerScore => ({ playerId, score, cardPoints: score, gold: 0, silver: 0, spicePoints: 0, pointCards: 1, left });
    expect(winnerOf([s(1, 30, true), s(2, 10), s(3, 10)])).toBe(3);
    expect(winnerOf([s(1, 30, true)])).toBeNull();
  });
});

describe("leaving a running game", () => {
  test("another player's leave skips their turns; rounds still count", () => {
    let state = startedGame(3).state;
    const left = leave(state, 2);
    expect(left.ok && left.events).toEqual([{ type: "PlayerLeft", playerId: 2, data: { playerId: 2, during: "playing" } }]);
    state = apply(state, left).state;
    expect(playerOf(state, 2)!.left).toBe(true);
    expect(leave(state, 2)).toMatchObject({ code: "NOT_A_PLAYER" });
    expect(rejection(state, 2, cmd({ type: "rest" }))).toBe("NOT_A_PLAYER");
    const one = pass(state);
    expect(one.events[1]!.data).toEqual({ nextPlayer: 3, round: 1 });
    const three = pass(one.state);
    expect(three.events[1]!.data).toEqual({ nextPlayer: 1, round: 2 });
    expect(playerView(three.state, null).players[1]).toMatchObject({ left: true, handCount: 2 });
  });

  test("the current player's leave passes the turn at once, discarding automatically in the discard phase", () => {
    const started = startedGame(3).state;
    const d = leave(started, 1);
    expect(d.ok && types(d.events)).toEqual(["PlayerLeft", "TurnEnded"]);
    const overfull = act(setPlayer(started, 1, { caravan: c("YYYYYYYYYY") }), 1, { type: "playCard", cardId: "start1-yy" }).state;
    const d2 = apply(overfull, leave(overfull, 1));
    expect(types(d2.events)).toEqual(["PlayerLeft", "SpicesDiscarded", "TurnEnded"]);
    expect(playerOf(d2.state, 1)!.caravan).toEqual(c("YYYYYYYYYY"));
    expect(d2.state).toMatchObject({ currentPlayer: 2, phase: "action" });
  });

  test("when the last seats left, the round ends with the last seat still playing", () => {
    let state = apply(startedGame(3).state, leave(startedGame(3).state, 3)).state;
    state = pass(state).state;
    const claim = act(aboutToClaim(state, 2, 5), 2, { type: "claim", index: 0 });
    expect(types(claim.events)).toEqual(["ClaimCompleted", "TurnEnded", "GameFinished"]);
  });

  test("fewer than two players left ends the game; the one remaining wins even with fewer points", () => {
    let state = setPlayer(startedGame(2).state, 1, { pointCards: POINT_CARDS.slice(30) });
    const { state: end, events } = apply(state, leave(state, 1));
    expect(types(events)).toEqual(["PlayerLeft", "GameFinished"]);
    expect(finished(events)!.data).toMatchObject({ reason: "playersLeft", winner: 2 });
    expect(end.status).toBe("finished");
    expect(scoreOf(end).winner).toBe(2);
    expect(decide(end, cmd({ type: "rest" }), { playerId: 2 })).toMatchObject({ code: "GAME_OVER" });
  });
});
