/**
 * Session events in GraphQL: nevr-agent v4's schema (internal/api/graph/
 * schema.graphql), field for field, plus `matchId`, `eventTypes`, the `after`
 * cursor argument and `lobbySubscriptions`.
 */
export const SESSIONS_TYPE_DEFS = /* GraphQL */ `
  "A lobby session: one game session as seen by every node, with its events."
  type LobbySession {
    id: ID!
    lobbySessionId: String!
    "Events in frame order; limit defaults to 100 (at most 1000). Pass an edge's cursor as after to continue after it."
    events(limit: Int, offset: Int, after: String): SessionEventConnection!
    totalEvents: Int!
    createdAt: Time
    updatedAt: Time
  }

  "A single session event (frame) within a lobby session."
  type SessionEvent {
    id: ID!
    lobbySessionId: String!
    "<lobby session id>.<node>"
    matchId: String!
    userId: String
    eventTypes: [String!]!
    frameData: JSON
    timestamp: Time!
    createdAt: Time!
    updatedAt: Time!
  }

  type SessionEventConnection {
    edges: [SessionEventEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type SessionEventEdge {
    node: SessionEvent!
    cursor: String!
  }

  "A live telemetry subscription to a lobby."
  type LobbySubscription {
    session_id: String!
    user_id: String!
    lobby_id: String!
    active: Boolean!
  }

  input StoreSessionEventInput {
    lobbySessionId: ID!
    userId: String
    frameData: JSON!
  }

  type StoreSessionEventPayload {
    success: Boolean!
    event: SessionEvent
    error: String
  }

  type Query {
    "A lobby session by its id; null when it has no events."
    lobbySession(id: ID!): LobbySession
    "A lobby session's events in frame order, by offset (as nevr-agent) or after a cursor."
    sessionEvents(lobbySessionId: ID!, limit: Int = 100, offset: Int = 0, after: String): SessionEventConnection!
    "The live telemetry subscriptions to a lobby."
    lobbySubscriptions(lobbyId: ID!): [LobbySubscription!]!
  }

  type Mutation {
    "Ingests one frame (journal first); the event is readable once the journal's worker has stored it."
    storeSessionEvent(input: StoreSessionEventInput!): StoreSessionEventPayload!
  }
`;
