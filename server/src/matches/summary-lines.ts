import type { MatchSummary, PlayerMatchLine } from "@gamejournal/shared";

/**
 * What the stores derive from a summary for their queries, the same on
 * every adapter: its map and match type (for the list filters), a player's
 * own line (for "my recent matches"), and the round-2 fields an older
 * stored summary lacks.
 */

/** `map_name` and `match_type` from a summary's `match_label` ("" when absent or not a string). */
export function labelKeys(matchLabel: string): { map_name: string; match_type: string } {
  let labels: unknown;
  try {
    labels = JSON.parse(matchLabel);
  } catch {
    labels = null;
  }
  const read = (key: string) => {
    const value = labels !== null && typeof labels === "object" ? (labels as Record<string, unknown>)[key] : undefined;
    return typeof value === "string" ? value : "";
  };
  return { map_name: read("map_name"), match_type: read("match_type") };
}

/**
 * A player's own line in a match. Their team is their participant's (the
 * team they ended on), else that of their totals; the result compares it
 * with the outcome's winner (null off a playing team, or without an outcome).
 */
export function playerLine(summary: MatchSummary, playerId: string): PlayerMatchLine {
  const participant = summary.participants.find((p) => p.player_id === playerId);
  const totals = summary.player_totals.find((t) => t.player_id === playerId);
  const team = participant?.team ?? totals?.team ?? "";
  const outcome = summary.outcome;
  const playing = team === "blue" || team === "orange";
  const result = !outcome || !playing ? null : outcome.winner === "draw" ? "draw" : outcome.winner === team ? "win" : "loss";
  return {
    match_id: summary.match_id,
    created_at: summary.created_at,
    updated_at: summary.updated_at,
    match_label: summary.match_label,
    team,
    goals: totals?.goals ?? 0,
    saves: totals?.saves ?? 0,
    points: totals?.points ?? 0,
    assists: totals?.assists ?? 0,
    result,
    state: participant?.state ?? null,
    abandoned: participant?.state === "abandoned",
  };
}

/**
 * A stored summary as read back: one stored before goals, participants,
 * outcome and player totals existed gets them empty (`outcome` null) until
 * a rebuild (`gamejournal rebuild matches`) recomputes it.
 */
export function withRound2Defaults(summary: MatchSummary): MatchSummary {
  const stored = summary as Partial<MatchSummary>;
  if (stored.goals && stored.participants && stored.outcome !== undefined && stored.player_totals) return summary;
  return { ...summary, goals: stored.goals ?? [], participants: stored.participants ?? [], outcome: stored.outcome ?? null, player_totals: stored.player_totals ?? [] };
}
