/**
 * The rules engine of the game rooms: Century: Spice Road as pure functions.
 *
 *   state  = events.reduce(evolve, initialState())
 *   create(state, input) / join(state, {name}) / leave(state, playerId)
 *   decide(state, command, {playerId})  → {ok: true, events} | {ok: false, code, message}
 *   playerView(state, viewer) / eventView(event, viewer)   (viewer null: spectator)
 *
 * No I/O, no clock, no ambient randomness: the deal comes from the seed in
 * `GameCreated` and is written out in full in `GameStarted`; times come in as
 * arguments. `evolve` never throws on an event a decider produced.
 *
 * Choices where CENTURY.md leaves room (for the README):
 *
 * - **Seats and turns.** `playerId` is the 1-based seat, taken in join order
 *   (lowest free seat); seat order is turn order; seat 1 starts. The game
 *   starts (`GameStarted`) as the last seat is taken.
 * - **One action a turn.** playCard, acquire, rest or claim; an action that
 *   leaves the caravan within capacity ends the turn by itself (`TurnEnded`
 *   follows in the same decision). `endTurn` outside the discard phase is
 *   rejected (`ACTION_REQUIRED`).
 * - **Caravan limit.** An action that leaves more spices than the capacity
 *   keeps the turn in the `discard` phase: the player sends `discard {spices}`
 *   leaving at most the capacity (`CARAVAN_FULL` otherwise), or `endTurn`,
 *   which discards the lowest spices (yellow first) down to the capacity; then
 *   the turn passes. Any other command in that phase is `MUST_DISCARD`.
 * - **Upgrades.** `upgrades` lists the steps in order, each raising one spice
 *   of that colour one level; at most the card's steps; fewer (even none)
 *   leave steps unused; brown cannot rise (`INVALID_UPGRADE`).
 * - **Trades.** `multiplier` (default 1, 1 to 1000) repeats the trade; the whole
 *   cost times the multiplier must be in the caravan before the play.
 * - **Acquire.** `deposits[i]` goes onto the card in slot i; exactly `index`
 *   deposits; omitted, the lowest spices are paid. The player takes the card
 *   and the spices on it; the row slides left and the deck refills the last
 *   slot. An empty deck leaves the row shorter.
 * - **Claim and coins.** Slot 0 carries a gold coin while gold remains, slot 1
 *   a silver coin while both remain; when the gold is gone the silver coins
 *   lie on slot 0. The point row slides and refills; an empty deck leaves it
 *   shorter.
 * - **End.** When the turn passes from the last seat still playing back to the
 *   first (the end of a round) and some player holds `pointCardsToEnd` point
 *   cards (6 for 2–3 players, 5 for 4–5 by default), or the point row is empty,
 *   `GameFinished` follows with the scores and the winner. Score: card points
 *   + gold × goldCoinPoints + silver × silverCoinPoints + 1 per non-yellow
 *   spice. Tie: the tied player latest in turn order wins.
 * - **Leaving.** Before the start the seat is freed. During the game the seat
 *   stays (scored, cannot win, turns skipped; their pending turn passes at
 *   once); fewer than two players left ends the game (`playersLeft`).
 * - **Hidden information.** Views and event views show a player their own
 *   hand and others' hand sizes; the seed and the decks' order are never
 *   shown. See `eventView` for exactly what each event hides.
 * - `GameStateUpdated` (a seed name) is not an event here: every change is
 *   one of the events above, and a client asks for the state view instead.
 */
export { initialState, coinAt, activePlayers, playerOf, type GameState, type PlayerState, type MerchantSlot } from "./state.ts";
export { evolve, fold } from "./evolve.ts";
export { decide, type CommandContext } from "./decide.ts";
export { create, join, leave, deal, type CreateGameInput, type JoinInput, type JoinDecision } from "./lobby.ts";
export { reject, type Decision, type Accepted, type Rejected } from "./decision.ts";
export { playerView, eventView } from "./view.ts";
export { scoreBoard, scorePlayer, winnerOf } from "./scoring.ts";
export { endOfGameReason } from "./turns.ts";
export {
  loadGameSettings,
  rulesFor,
  defaultPointCardsToEnd,
  DEFAULT_GAME_SETTINGS,
  GAME_SETTING_VARIABLES,
  GameSettingsError,
  type GameSettings,
} from "./settings.ts";
export { MERCHANT_CARDS, POINT_CARDS, merchantCard, pointCard, startingHand, startingCaravan } from "./cards.ts";
export { seededRandom, shuffle, type Random } from "./random.ts";
export { legalCommands, randomCommand, isToMove } from "./bot.ts";
export { playBotGame, type BotGameOptions } from "./play.ts";
export { scoreOf } from "./score-check.ts";
