import { GAME_STATUSES } from "@gamejournal/shared";
import type { GraphQLModule } from "../graphql/graphql-module.ts";
import type { LobbyApi } from "./api.ts";

const TYPE_DEFS = /* GraphQL */ `
  "A lobby game's status (seed 004's lobby)."
  enum LobbyGameStatus {
    ${GAME_STATUSES.join("\n    ")}
  }

  "What the Game Master last reported of a running game."
  type LobbyRuntimeSnapshot {
    current_turn: Int!
    runtime_status: String!
    engine_health_summary: String!
    updated_at: Time!
  }

  type LobbyGame {
    game_id: ID!
    name: String!
    owner_id: String
    type: String!
    min_players: Int!
    max_players: Int!
    status: LobbyGameStatus!
    runtime_snapshot: LobbyRuntimeSnapshot
    members: [String!]!
    created_at: Time!
    updated_at: Time!
    started_at: Time
    finished_at: Time
  }

  type LobbyGamePage {
    items: [LobbyGame!]!
    next_after: String
  }

  type LobbyObservedStats {
    planets: Int!
    population: Int!
    ships_built: Int!
  }

  "A player's first observation (frozen) and per-component maxima over a game."
  type LobbyPlayerStats {
    user_id: String!
    initial: LobbyObservedStats
    max: LobbyObservedStats
  }

  type LobbyGameStats {
    game_id: ID!
    players: [LobbyPlayerStats!]!
  }

  type LobbyPlayerCapability {
    user_id: String!
    capable: Boolean!
  }

  "The capability evaluation of a finished game, one result per member."
  type LobbyCapabilityEvaluation {
    game_id: ID!
    evaluated_at: Time!
    finished_at: Time!
    players: [LobbyPlayerCapability!]!
  }

  type Query {
    "A lobby game; null for an unknown game."
    lobbyGame(gameId: ID!): LobbyGame
    "Lobby games in creation order, optionally in one status."
    lobbyGames(status: LobbyGameStatus, after: String, limit: Int): LobbyGamePage!
    "A game's per-player stats; null for an unknown game."
    lobbyGameStats(gameId: ID!): LobbyGameStats
    "A finished game's capability evaluation; null before it ran."
    lobbyGameCapabilities(gameId: ID!): LobbyCapabilityEvaluation
  }
`;

/** Null for a NOT_FOUND, as other domains' single reads answer. */
function orNull<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((error: { code?: string }) => {
    if (error.code === "NOT_FOUND") return null;
    throw error;
  });
}

/** The lobby's reads in the GraphQL schema (writes are REST and tRPC). */
export function lobbyGraphQL(lobby: LobbyApi): GraphQLModule {
  return {
    typeDefs: TYPE_DEFS,
    resolvers: {
      Query: {
        lobbyGame: (_: unknown, { gameId }: { gameId: string }) => orNull(lobby.getGame(gameId)),
        lobbyGames: (_: unknown, args: { status?: string | null; after?: string | null; limit?: number | null }) =>
          lobby.listGames({ ...(args.status ? { status: args.status } : {}), after: args.after ?? null, ...(args.limit != null ? { limit: args.limit } : {}) }),
        lobbyGameStats: (_: unknown, { gameId }: { gameId: string }) => orNull(lobby.stats(gameId)),
        lobbyGameCapabilities: (_: unknown, { gameId }: { gameId: string }) => orNull(lobby.capabilities(gameId)),
      },
    },
  };
}
