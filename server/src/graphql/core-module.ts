import { GraphQLScalarType } from "graphql";
import { DateTimeISOResolver, JSONResolver } from "graphql-scalars";
import type { HealthReport } from "../health/index.ts";
import type { GraphQLModule } from "./graphql-module.ts";

export interface CoreModuleDeps {
  health: { report(): Promise<HealthReport> };
}

/**
 * The types every module may use, and `health` (seed 002's reference
 * schema): `status` is the server's (`healthy` or `degraded`), `database`
 * is `connected` when the document store answers, else `disconnected`.
 */
export function coreModule({ health }: CoreModuleDeps): GraphQLModule {
  return {
    typeDefs: /* GraphQL */ `
      "An RFC 3339 date-time, in UTC."
      scalar Time
      "Any JSON value."
      scalar JSON

      "Pagination information of a connection."
      type PageInfo {
        hasNextPage: Boolean!
        hasPreviousPage: Boolean!
        startCursor: String
        endCursor: String
      }

      type HealthStatus {
        status: String!
        timestamp: Time!
        database: String!
      }

      type Query {
        "Health of the server and of its document store."
        health: HealthStatus!
      }
    `,
    resolvers: {
      Time: new GraphQLScalarType({ ...DateTimeISOResolver.toConfig(), name: "Time", description: "An RFC 3339 date-time, in UTC." }),
      JSON: JSONResolver,
      Query: {
        async health() {
          const report = await health.report();
          const documents = report.dependencies[report.backend.documents];
          return { status: report.status, timestamp: report.timestamp, database: documents?.status === "up" ? "connected" : "disconnected" };
        },
      },
    },
  };
}
