import { STAT_NAMES, type RoundStat } from "@gamejournal/shared";
import { zeroStats, type MatchAggregate, type PlayerState } from "./aggregate-state.ts";
import { isPlayingTeam, playerIdOf, type PlayerIdentity, type TeamKey } from "./identity.ts";

/**
 * Players, their presences, their per-round stats and their pings. Every
 * function here mutates the aggregate it is given; `aggregate.ts` hands them
 * a private copy.
 */

export interface Sighting {
  identity: PlayerIdentity;
  team: TeamKey;
  /** The game's running totals for this player, when the source carries them. */
  stats?: unknown;
  ping?: unknown;
}

/**
 * Records that a player is in the match at `at`: adds them to `players` when
 * on a playing team, opens a presence (or a new one when they changed team),
 * folds in the rise of their stats and samples their ping. Returns the
 * player's id, or "" when the sighting names nobody.
 */
export function seePlayer(agg: MatchAggregate, sighting: Sighting, at: number): string {
  const id = resolvePlayerId(agg, sighting.identity);
  if (id === "") return "";
  const player = playerState(agg, id, sighting.identity);
  player.team = sighting.team;
  if (isPlayingTeam(sighting.team)) {
    if (!agg.players.includes(id)) agg.players.push(id);
    player.in_round = true;
    samplePing(agg, sighting.ping);
  }
  if (sighting.stats !== null && typeof sighting.stats === "object") addStats(player, sighting.stats as Record<string, unknown>);
  openPresence(agg, player, at);
  return id;
}

/**
 * The id of the player `who` names: one already in the roster with the same
 * account number or platform user id (so a player known from an action and
 * then from frames stays one player), else `playerIdOf(who)`.
 */
export function resolvePlayerId(agg: MatchAggregate, who: PlayerIdentity): string {
  const known = agg.roster.find(
    (p) => (who.account_number !== "" && p.account_number === who.account_number) || (who.user_id !== "" && p.user_id === who.user_id),
  );
  return known?.player_id ?? playerIdOf(who);
}

function playerState(agg: MatchAggregate, id: string, who: PlayerIdentity): PlayerState {
  let player = agg.roster.find((p) => p.player_id === id);
  if (!player) {
    player = { player_id: id, account_number: "", user_id: "", display_name: "", team: "", last: {}, acc: zeroStats(), in_round: false, rounds: [] };
    agg.roster.push(player);
  }
  // A source that knows less (e.g. a frame has no platform user id) never erases what another told us.
  player.account_number = who.account_number || player.account_number;
  player.user_id = who.user_id || player.user_id;
  player.display_name = who.display_name || player.display_name;
  return player;
}

/** Adds how much each running total rose since last seen; a total that fell means the game reset it (e.g. after a rejoin). */
function addStats(player: PlayerState, totals: Record<string, unknown>): void {
  for (const name of STAT_NAMES) {
    const now = totals[name];
    if (typeof now !== "number" || !Number.isFinite(now) || now < 0) continue;
    const before = player.last[name];
    player.acc[name] += before === undefined || now < before ? now : now - before;
    player.last[name] = now;
  }
}

function samplePing(agg: MatchAggregate, ping: unknown): void {
  if (typeof ping !== "number" || !Number.isFinite(ping) || ping < 0) return;
  const { ping: p } = agg;
  p.min = p.count === 0 ? ping : Math.min(p.min, ping);
  p.max = p.count === 0 ? ping : Math.max(p.max, ping);
  p.count += 1;
  p.sum += ping;
}

function openPresence(agg: MatchAggregate, player: PlayerState, at: number): void {
  const open = agg.presences.find((p) => p.player_id === player.player_id && p.left_at === null);
  if (open && open.team === player.team) {
    open.user_id ||= player.user_id;
    open.account_number ||= player.account_number;
    open.display_name ||= player.display_name;
    return;
  }
  if (open) open.left_at = Math.max(at, open.joined_at);
  const { player_id, user_id, account_number, display_name, team } = player;
  agg.presences.push({ player_id, user_id, account_number, display_name, team, joined_at: at, left_at: null });
}

/** Closes the open presences of the players `which` selects, at `at`. */
export function leave(agg: MatchAggregate, which: (playerId: string) => boolean, at: number): void {
  for (const presence of agg.presences) {
    if (presence.left_at === null && which(presence.player_id)) presence.left_at = Math.max(at, presence.joined_at);
  }
}

/** The player a `player_left` event means: by slot in the latest list, else by display name. */
export function playerBySlotOrName(agg: MatchAggregate, slot: unknown, name: unknown): string {
  if (typeof slot === "number" && agg.slots[String(slot)]) return agg.slots[String(slot)]!;
  if (typeof name === "string" && name !== "") {
    return agg.roster.find((p) => p.display_name === name)?.player_id ?? "";
  }
  return "";
}

/** Whether any player's stats rose in the open round. */
export function roundHasActivity(agg: MatchAggregate): boolean {
  return agg.roster.some((p) => STAT_NAMES.some((name) => p.acc[name] !== 0));
}

/**
 * Ends round `round` (when no later round has ended yet): every player who
 * played in it, or whose stats rose, gets its RoundStat; the next round opens.
 */
export function closeRound(agg: MatchAggregate, round: number): void {
  if (!Number.isInteger(round) || round <= agg.round.closed) return;
  for (const player of agg.roster) {
    if (player.in_round || STAT_NAMES.some((name) => player.acc[name] !== 0)) player.rounds.push(roundStat(round, player));
    player.acc = zeroStats();
    player.in_round = false;
  }
  agg.round.closed = round;
  agg.round.current = round + 1;
}

function roundStat(round: number, player: PlayerState): RoundStat {
  const stat: Record<string, number | string> = { round, team: player.team };
  for (const name of STAT_NAMES) {
    const value = player.acc[name];
    stat[name] = name === "possession_time" ? Math.round(value * 1000) / 1000 : Math.round(value);
  }
  return stat as unknown as RoundStat;
}
