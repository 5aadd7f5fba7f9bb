import type { YogaInitialContext } from "graphql-yoga";
import type { Identity } from "../platform/auth-user.ts";

/** What every resolver receives as its context: the HTTP request (headers such as X-Node-ID) and the caller's identity. */
export type GraphQLContext = YogaInitialContext & { identity: Identity };

/**
 * One domain's part of the GraphQL schema. Modules are merged by name: each
 * may declare `type Query { ... }` and `type Mutation { ... }` with its own
 * fields, and use the shared types of the core module (`Time`, `JSON`,
 * `PageInfo`). Resolvers are checked against the merged schema at start-up:
 * a resolver for a field no module declares is an error.
 */
export interface GraphQLModule {
  readonly typeDefs: string;
  /** `{ TypeName: { field: resolver } }`, or a scalar type by its name. */
  readonly resolvers: Record<string, unknown>;
}
