import { STAT_NAMES, type Participant, type PlayerTotals, type TeamSwitch } from "@gamejournal/shared";
import type { MatchAggregate, PresenceState } from "./aggregate-state.ts";
import { iso } from "./values.ts";

/**
 * Participants and per-player totals, as pure functions of the aggregate.
 *
 * The rules (`Participant.state` in shared/src/matches.ts states them for readers):
 * 1. A participant is a player id with at least one presence (a stint on one
 *    team); their stints are their presences in order.
 * 2. `present`: in the match when it ended (an open presence then; before
 *    the end, an open presence now). Leaving and coming back, on any team,
 *    before the end is `present`, not abandoning.
 * 3. `abandoned`: not present at the end, had a stint on a playing team
 *    (blue, orange, or an unknown team) still open after play began
 *    (`play_started_at`), and their last stint closed strictly before the
 *    end's time.
 * 4. `left`: every other participant not present (spectators only, players
 *    gone before play began, players gone in the frame that ended the match).
 * 5. `playing_seconds`: the stints on a playing team, added up (an open
 *    stint counts up to the end, or the latest event while the match goes on).
 * 6. A team switch is a change of team from one stint to the next, at the
 *    time the new stint began (with or without a gap between them).
 */
export function participantsOf(agg: MatchAggregate): Participant[] {
  const end = agg.ended?.at ?? agg.last_event_at ?? 0;
  const byPlayer = new Map<string, PresenceState[]>();
  for (const presence of agg.presences) {
    let stints = byPlayer.get(presence.player_id);
    if (!stints) byPlayer.set(presence.player_id, (stints = []));
    stints.push(presence);
  }
  const presentAtEnd = agg.ended ? new Set(agg.present_at_end ?? agg.presences.filter((p) => p.left_at === agg.ended!.at).map((p) => p.player_id)) : null;
  return [...byPlayer].map(([player_id, stints]) => {
    const last = stints.at(-1)!;
    const present = presentAtEnd ? presentAtEnd.has(player_id) : last.left_at === null;
    const lastLeft = last.left_at ?? end;
    const playStart = agg.play_started_at;
    const played = playStart !== null && stints.some((s) => isPlaying(s.team) && (s.left_at === null || s.left_at > playStart));
    const state = present ? "present" : played && lastLeft < end ? "abandoned" : "left";
    const playingMs = stints.filter((s) => isPlaying(s.team)).reduce((sum, s) => sum + Math.max(0, (s.left_at ?? end) - s.joined_at), 0);
    const team_switches: TeamSwitch[] = [];
    for (let i = 1; i < stints.length; i++) {
      if (stints[i]!.team !== stints[i - 1]!.team) team_switches.push({ at: iso(stints[i]!.joined_at), from: stints[i - 1]!.team, to: stints[i]!.team });
    }
    return {
      player_id,
      display_name: agg.roster.find((p) => p.player_id === player_id)?.display_name || last.display_name,
      team: last.team,
      state,
      joined_at: iso(stints[0]!.joined_at),
      left_at: present ? null : iso(lastLeft),
      playing_seconds: Math.round(playingMs / 1000),
      team_switches,
    };
  });
}

function isPlaying(team: string): boolean {
  return team === "blue" || team === "orange" || team === "";
}

/** Per player of `per_round_stats`, their round lines summed; `team` is that of their last line (else the team they were last seen on). */
export function playerTotalsOf(agg: MatchAggregate, perRound: Record<string, ReadonlyArray<Record<string, number | string>>>): PlayerTotals[] {
  return Object.entries(perRound).map(([player_id, rounds]) => {
    const player = agg.roster.find((p) => p.player_id === player_id);
    const totals: Record<string, number | string> = {
      player_id,
      display_name: player?.display_name ?? "",
      team: String(rounds.at(-1)?.team ?? player?.team ?? ""),
      rounds: rounds.length,
    };
    for (const name of STAT_NAMES) {
      const sum = rounds.reduce((acc, r) => acc + (typeof r[name] === "number" ? (r[name] as number) : 0), 0);
      totals[name] = name === "possession_time" ? Math.round(sum * 1000) / 1000 : sum;
    }
    return totals as unknown as PlayerTotals;
  });
}
