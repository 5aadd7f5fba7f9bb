import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { GraphQLError } from "graphql";
import { createGraphQLError, createSchema, createYoga, type YogaLogger } from "graphql-yoga";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../log.ts";
import type { Identity } from "../platform/auth-user.ts";
import { coreModule, type CoreModuleDeps } from "./core-module.ts";
import type { GraphQLModule } from "./graphql-module.ts";

/** Where the reference (nevr-agent v4 `internal/api`) serves GraphQL, plus the conventional `/graphql`. */
export const GRAPHQL_PATHS = ["/graphql", "/v3/graphql", "/v3/query"] as const;

/** What one operation may ask for; past any of these it is refused before it runs (HTTP 400 naming the setting). */
export interface GraphQLLimits {
  /** Deepest selection (`GRAPHQL_MAX_DEPTH`). */
  maxDepth: number;
  /** Most aliases (`GRAPHQL_MAX_ALIASES`): one query cannot ask for the same list thousands of times. */
  maxAliases: number;
  /** Most tokens in the document (`GRAPHQL_MAX_TOKENS`), counted while parsing, so the parser never recurses deep. */
  maxTokens: number;
  /** Highest cost (`GRAPHQL_MAX_COST`): graphql-armor's, each object 2 and each scalar 1, times its depth. */
  maxCost: number;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphQLLimits = { maxDepth: 10, maxAliases: 15, maxTokens: 2_000, maxCost: 5_000 };

export interface CreateGraphQLDeps extends CoreModuleDeps {
  limits?: GraphQLLimits;
  /** The domains' schema parts, merged after the core module. */
  modules: readonly GraphQLModule[];
  logger: Logger;
  /** Serve GraphiQL to browsers (GET with `Accept: text/html`); default true. */
  graphiql?: boolean;
}

/**
 * The GraphQL endpoint as a fetch handler, to mount on every path of
 * GRAPHQL_PATHS for GET and POST (GraphQL over HTTP: POST JSON bodies, GET
 * queries, GraphiQL on GET from a browser).
 *
 * Limits (`limits`): tokens, depth, aliases and cost are checked before an
 * operation runs; yoga's own CORS is off (the app's applies).
 *
 * Errors: a resolver that throws a domain error (ValidationError,
 * NotFoundError, ...) yields a GraphQL error with its message and
 * `extensions.code` (and `extensions.field` when known), as the REST routes
 * describe it; anything else is logged and answered as `internal error`.
 * Malformed queries get GraphQL's own errors, unmasked. The schema is built
 * here, once: a module whose resolvers do not match its types fails now,
 * not on the first request.
 */
export function createGraphQL({ modules, logger, graphiql = true, limits = DEFAULT_GRAPHQL_LIMITS, ...core }: CreateGraphQLDeps): (req: Request, identity: Identity) => Promise<Response> {
  const all = [coreModule(core), ...modules];
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: all.map((m) => m.typeDefs),
      resolvers: all.map((m) => m.resolvers) as never,
    }),
    graphqlEndpoint: `/(${GRAPHQL_PATHS.map((p) => p.slice(1)).join("|")})`,
    landingPage: false,
    graphiql: graphiql ? { title: "gamejournal GraphQL", defaultQuery: DEFAULT_QUERY } : false,
    // GraphiQL's scripts, styles and editor workers come inlined from @graphql-yoga/render-graphiql (embedded in the
    // binary), not from a CDN: the page works offline and under a strict CSP. Rendered once: it is about 9 MB.
    renderGraphiQL: offlineGraphiQL(),
    logging: yogaLogger(logger),
    maskedErrors: { maskError: domainErrorMasker(logger) },
    // CORS is the app's (CORS_ORIGINS): yoga's own would echo any Origin, with credentials.
    cors: false,
    plugins: [
      maxTokensPlugin({ n: limits.maxTokens, exposeLimits: false, errorMessage: `the document has more than ${limits.maxTokens} tokens (GRAPHQL_MAX_TOKENS)` }),
      maxDepthPlugin({ n: limits.maxDepth, exposeLimits: false, errorMessage: `the operation is deeper than ${limits.maxDepth} (GRAPHQL_MAX_DEPTH)` }),
      maxAliasesPlugin({ n: limits.maxAliases, exposeLimits: false, errorMessage: `the operation has more than ${limits.maxAliases} aliases (GRAPHQL_MAX_ALIASES)` }),
      costLimitPlugin({ maxCost: limits.maxCost, exposeLimits: false, errorMessage: `the operation costs more than ${limits.maxCost} (GRAPHQL_MAX_COST)` }),
    ],
  });
  return async function handleGraphQL(req, identity) {
    return yoga.fetch(req, { identity });
  };
}

const DEFAULT_QUERY = `# gamejournal's GraphQL: lobby sessions, session events, match summaries, health.
# A query needs the read scope: add {"Authorization": "Bearer <token>"} under Headers below.
{
  health {
    status
  }
}
`;

/** Yoga's renderGraphiQL with everything inlined, rendered once per set of options. */
function offlineGraphiQL(): typeof renderGraphiQL {
  const pages = new Map<string, string>();
  return (opts) => {
    const key = JSON.stringify(opts ?? {});
    let page = pages.get(key);
    if (page === undefined) pages.set(key, (page = renderGraphiQL(opts)));
    return page;
  };
}

/** Turns what a resolver threw into the GraphQL error clients see. */
function domainErrorMasker(logger: Logger) {
  return function maskError(error: unknown): Error {
    const located = error instanceof GraphQLError ? error : undefined;
    const original = located ? located.originalError : error;
    // GraphQL's own errors (syntax, validation, variable coercion) are already meant for the client.
    if (located && (original === undefined || original === null || original instanceof GraphQLError)) return located;
    const described = describeError(original);
    const where = { nodes: located?.nodes, path: located?.path };
    if (described.status >= 500 && described.code === "INTERNAL") {
      logger.error({ err: original, path: located?.path?.join(".") }, "graphql resolver failed");
    }
    return createGraphQLError(described.message, {
      ...where,
      extensions: { code: described.code, ...(described.field ? { field: described.field } : {}) },
    });
  };
}

function yogaLogger(logger: Logger): YogaLogger {
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  return {
    debug: (...args) => logger.debug({ component: "graphql" }, line(args)),
    info: (...args) => logger.info({ component: "graphql" }, line(args)),
    warn: (...args) => logger.warn({ component: "graphql" }, line(args)),
    error: (...args) => logger.error({ component: "graphql" }, line(args)),
  };
}
