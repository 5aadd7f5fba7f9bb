import { MATCH_LIST_DEFAULT_LIMIT, MATCH_LIST_MAX_LIMIT } from "@gamejournal/shared";
import type { GraphQLModule } from "../graphql/graphql-module.ts";
import type { MatchesApi } from "./api.ts";

const TYPE_DEFS = /* GraphQL */ `
  "One stat line of a player for one round (that round's deltas)."
  type RoundStat {
    round: Int!
    team: String!
    points: Int!
    goals: Int!
    saves: Int!
    stuns: Int!
    passes: Int!
    catches: Int!
    steals: Int!
    blocks: Int!
    interceptions: Int!
    assists: Int!
    shots_taken: Int!
    possession_time: Float!
  }

  type PlayerRoundStats {
    player: String!
    rounds: [RoundStat!]!
  }

  "One goal (identified by the game's last_score details; repeated in later frames it is still one goal)."
  type Goal {
    round: Int!
    "The game clock when first seen, seconds; null when the frame had none."
    game_clock: Float
    at: Time!
    team: String!
    scorer: String!
    "The scorer's player id; empty when no player of that name was seen."
    scorer_id: String!
    assist: String!
    assist_id: String!
    goal_type: String!
    points: Int!
    disc_speed: Float!
    distance: Float!
  }

  type TeamSwitch {
    at: Time!
    from: String!
    to: String!
  }

  "Everyone seen in the match. state: present (there at the end), abandoned (on a playing team after play began, gone for good before the end), left (any other leaver)."
  type Participant {
    player_id: String!
    display_name: String!
    team: String!
    state: String!
    joined_at: Time!
    left_at: Time
    playing_seconds: Int!
    team_switches: [TeamSwitch!]!
  }

  type FinalScore {
    blue: Int!
    orange: Int!
  }

  "Who won: decided_by is game, forfeit, rounds, points or draw, the first rule that decides."
  type MatchOutcome {
    winner: String!
    decided_by: String!
    final_score: FinalScore!
    end_reason: String
  }

  "A player's stats summed over every round of the match."
  type PlayerTotals {
    player_id: String!
    display_name: String!
    team: String!
    rounds: Int!
    points: Int!
    goals: Int!
    saves: Int!
    stuns: Int!
    passes: Int!
    catches: Int!
    steals: Int!
    blocks: Int!
    interceptions: Int!
    assists: Int!
    shots_taken: Int!
    possession_time: Float!
  }

  "Seed 000's MatchSummary, with its snake_case field names, and goals, participants, outcome and player_totals beside them."
  type MatchSummary {
    match_id: ID!
    players: [String!]!
    per_round_stats: [PlayerRoundStats!]!
    duration_seconds: Int!
    min_ping: Int!
    max_ping: Int!
    avg_ping: Float!
    final_round_scores: JSON!
    evr_match_presences: JSON!
    match_label: String!
    created_at: Time!
    updated_at: Time!
    goals: [Goal!]!
    participants: [Participant!]!
    "null only on a summary stored before outcomes existed (rebuild it)."
    outcome: MatchOutcome
    player_totals: [PlayerTotals!]!
  }

  type MatchSummaryPage {
    items: [MatchSummary!]!
    next_cursor: String
  }

  "A player's own line in one match."
  type PlayerMatchLine {
    match_id: ID!
    created_at: Time!
    updated_at: Time!
    match_label: String!
    team: String!
    goals: Int!
    saves: Int!
    points: Int!
    assists: Int!
    "win, loss or draw; null off a playing team or without an outcome."
    result: String
    state: String
    abandoned: Boolean!
  }

  type PlayerMatchPage {
    items: [PlayerMatchLine!]!
    next_cursor: String
  }

  type AbandonCount {
    player_id: String!
    display_name: String!
    abandoned: Int!
    matches: Int!
  }

  type Query {
    "A match's summary; null for an unknown match."
    matchSummary(matchId: ID!): MatchSummary
    "Summaries newest first, optionally of one player, a time range, a map and a match type."
    matchSummaries(player: String, from: Time, to: Time, map: String, matchType: String, limit: Int, cursor: String): MatchSummaryPage!
    "A player's recent matches, each with their own line."
    playerMatches(player: String!, from: Time, to: Time, map: String, matchType: String, limit: Int, cursor: String): PlayerMatchPage!
    "Abandons per player over matches created in [from, to), most first."
    abandonCounts(from: Time, to: Time, player: String, limit: Int): [AbandonCount!]!
  }
`;

interface ListArgs {
  from?: Date | null;
  to?: Date | null;
  map?: string | null;
  matchType?: string | null;
  limit?: number | null;
  cursor?: string | null;
}

/** GraphQL list arguments as store options: absent ones left out, `limit` clamped to 1..500. */
function listOptions(args: ListArgs) {
  return {
    ...(args.from ? { from: args.from } : {}),
    ...(args.to ? { to: args.to } : {}),
    ...(args.map ? { map: args.map } : {}),
    ...(args.matchType ? { matchType: args.matchType } : {}),
    limit: Math.min(Math.max(args.limit ?? MATCH_LIST_DEFAULT_LIMIT, 1), MATCH_LIST_MAX_LIMIT),
    ...(args.cursor ? { cursor: args.cursor } : {}),
  };
}

/** Match summaries in the GraphQL schema. */
export function matchesGraphQL(matches: MatchesApi): GraphQLModule {
  return {
    typeDefs: TYPE_DEFS,
    resolvers: {
      Query: {
        async matchSummary(_: unknown, { matchId }: { matchId: string }) {
          return matches.get(matchId).catch((error: { code?: string }) => {
            if (error.code === "NOT_FOUND") return null;
            throw error;
          });
        },
        matchSummaries(_: unknown, args: ListArgs & { player?: string | null }) {
          return matches.list({ ...(args.player ? { playerId: args.player } : {}), ...listOptions(args) });
        },
        playerMatches(_: unknown, args: ListArgs & { player: string }) {
          return matches.playerMatches(args.player, listOptions(args));
        },
        async abandonCounts(_: unknown, args: { from?: Date | null; to?: Date | null; player?: string | null; limit?: number | null }) {
          const { items } = await matches.abandonCounts({ ...(args.player ? { playerId: args.player } : {}), ...listOptions(args) });
          return items;
        },
      },
      MatchSummary: {
        per_round_stats: (summary: { per_round_stats: Record<string, unknown[]> }) =>
          Object.entries(summary.per_round_stats).map(([player, rounds]) => ({ player, rounds })),
      },
    },
  };
}
