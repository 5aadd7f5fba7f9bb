import type { AnyTRPCRouter } from "@trpc/server";
import type { Server, ServerWebSocket } from "bun";
import type { Hono } from "hono";
import type { Access } from "../auth/access.ts";
import type { Auth } from "../auth/auth.ts";
import type { Backends } from "../backends/index.ts";
import type { Config } from "../config.ts";
import type { GraphQLModule } from "../graphql/graphql-module.ts";
import type { DependencyCheck } from "../health/index.ts";
import type { JournalingApi } from "../journal/event-journal.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics/index.ts";
import type { WorkerDefinition } from "../workers/worker-runner.ts";
import type { Clock } from "./clock.ts";
import type { LiveFeeds } from "./live-feed/index.ts";

/** What every domain is opened with (server.ts builds it once). */
export interface PlatformDeps {
  backends: Backends;
  config: Config;
  /** The journaling API; every write goes through it first. */
  journal: JournalingApi;
  /** Follows any journal stream live, for any transport. */
  feeds: LiveFeeds;
  /** Signs tokens (e.g. a game seat's). */
  auth: Auth;
  /** Who sends a request (tokens, server keys, AUTH_MODE); `authorize` (auth-user.ts) says what they may do. */
  access: Access;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Aborted when the server begins to shut down. */
  shutdown: AbortSignal;
  /** This process's name among instances: its workers' consumer name and the owner of the leases it takes. */
  instance: string;
}

/** Who is on a socket, for the server's per-message checks (rate limits). */
export interface SocketClient {
  /** The client's address. */
  readonly address?: string | undefined;
  /** The rate-limit key of the credential the upgrade request carried, if any. */
  readonly who?: string | undefined;
}

/** A socket of an endpoint: its state is `ws.data.state`. */
export type EndpointSocket<State> = ServerWebSocket<{ endpoint: SocketEndpoint<State>; state: State; client?: SocketClient }>;

/**
 * A WebSocket endpoint served on the server's port. The server upgrades a
 * request whose path is `path` once `accept` returns a state (a Response
 * refuses the upgrade, e.g. 401 before any socket exists), then hands the
 * socket's events to the endpoint.
 */
export interface SocketEndpoint<State = unknown> {
  /** Names the endpoint in metrics and logs. */
  readonly name: string;
  /** The paths it serves (exact match). */
  readonly paths: readonly string[];
  accept(req: Request): State | Response | Promise<State | Response>;
  /** Called once the server listens, for endpoints that publish to topics. */
  bind?(server: Server<unknown>): void;
  open?(ws: EndpointSocket<State>): void;
  message(ws: EndpointSocket<State>, message: string | Buffer): void;
  /**
   * Answers a message the server refused before handing it over (too
   * large, too deep, rate limited), in the endpoint's own protocol and in
   * order with its other answers. Without it the socket is closed with the
   * reason (1009 too large, 1008 otherwise).
   */
  refuse?(ws: EndpointSocket<State>, message: string | Buffer, error: Error): void;
  /** The largest message this endpoint takes, when below the server's WS_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
  drain?(ws: EndpointSocket<State>): void;
  close?(ws: EndpointSocket<State>, code: number, reason: string): void;
}

/**
 * What every domain exposes: the one shape server.ts composes. A domain's
 * `open…(deps)` returns one; everything is optional but the name and API.
 *
 * - `router` is mounted as the tRPC namespace `name` (and its type listed in
 *   trpc/app-router.ts, so the typed client knows it);
 * - `routes` are REST routes mounted at the root; `graphql` is merged into
 *   the one GraphQL schema; `sockets` are WebSocket endpoints;
 * - `workers` run under the server's WorkerRunner once it listens;
 * - `start` runs once the server listens (timers); with `workers` false
 *   (WORKERS_ENABLED=false) it starts only what serves the API, and leaves
 *   background processing (supervised loops, leases, timers that fold) to
 *   the instances that run workers; `stop` runs at shutdown after the
 *   workers have stopped and before the backends close.
 */
export interface DomainModule<Name extends string = string, Api = unknown> {
  readonly name: Name;
  /** What other domains and in-process callers use of this one. */
  readonly api: Api;
  readonly router?: AnyTRPCRouter;
  readonly routes?: readonly Hono[];
  readonly graphql?: GraphQLModule;
  readonly sockets?: readonly SocketEndpoint<any>[];
  readonly workers?: readonly WorkerDefinition[];
  readonly checks?: readonly DependencyCheck[];
  start?(run: { workers: boolean }): void;
  stop?(): void | Promise<void>;
}
