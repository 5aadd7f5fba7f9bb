import type { AnyTRPCRouter } from "@trpc/server";
import type { AdminRouter } from "../admin/router.ts";
import type { JournalRouter } from "../journal/router.ts";
import type { LobbyRouter } from "../lobby/router.ts";
import type { MatchesRouter } from "../matches/router.ts";
import type { DomainModule } from "../platform/module.ts";
import { router } from "../platform/rpc.ts";
import type { SessionsRouter } from "../sessions/router.ts";
import type { SystemRouter } from "../system/router.ts";
import type { TelemetryRouter } from "../telemetry/router.ts";

/**
 * The root router's type, one namespace per domain: what the typed client
 * knows. A domain with a router adds its line here (its router type only, so
 * the client's declarations never reach into drivers or server internals).
 */
export type AppRouterRecord = {
  system: SystemRouter;
  journal: JournalRouter;
  telemetry: TelemetryRouter;
  matches: MatchesRouter;
  sessions: SessionsRouter;
  admin: AdminRouter;
  lobby: LobbyRouter;
};

export type AppRouter = ReturnType<typeof router<AppRouterRecord>>;

/** The domains' routers as one root router, each under its module's name; every namespace of AppRouter must be there. */
export function composeRouter(modules: readonly DomainModule[]): AppRouter {
  const record: Record<string, AnyTRPCRouter> = {};
  for (const module of modules) if (module.router) record[module.name] = module.router;
  const expected: Record<keyof AppRouterRecord, true> = { system: true, journal: true, telemetry: true, matches: true, sessions: true, admin: true, lobby: true };
  const missing = Object.keys(expected).filter((name) => !record[name]);
  if (missing.length > 0) throw new Error(`compose router: no module provides ${missing.join(", ")}`);
  return router(record) as unknown as AppRouter;
}
