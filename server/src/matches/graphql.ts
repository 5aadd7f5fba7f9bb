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

  "Seed 000's MatchSummary, with its snake_case field names."
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
  }

  type MatchSummaryPage {
    items: [MatchSummary!]!
    next_cursor: String
  }

  type Query {
    "A match's summary; null for an unknown match."
    matchSummary(matchId: ID!): MatchSummary
    "Summaries newest first, optionally of one player and a time range."
    matchSummaries(player: String, from: Time, to: Time, limit: Int, cursor: String): MatchSummaryPage!
  }
`;

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
        matchSummaries(_: unknown, args: { player?: string | null; from?: Date | null; to?: Date | null; limit?: number | null; cursor?: string | null }) {
          return matches.list({
            ...(args.player ? { playerId: args.player } : {}),
            ...(args.from ? { from: args.from } : {}),
            ...(args.to ? { to: args.to } : {}),
            limit: Math.min(Math.max(args.limit ?? MATCH_LIST_DEFAULT_LIMIT, 1), MATCH_LIST_MAX_LIMIT),
            ...(args.cursor ? { cursor: args.cursor } : {}),
          });
        },
      },
      MatchSummary: {
        per_round_stats: (summary: { per_round_stats: Record<string, unknown[]> }) =>
          Object.entries(summary.per_round_stats).map(([player, rounds]) => ({ player, rounds })),
      },
    },
  };
}
