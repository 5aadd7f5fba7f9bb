import { journalRouter } from "../journal/router.ts";
import { matchesRouter } from "../matches/router.ts";
import { sessionsRouter } from "../sessions/router.ts";
import { systemRouter } from "../system/router.ts";
import { telemetryRouter } from "../telemetry/router.ts";
import { router } from "./trpc.ts";

/** The root router: one namespace per domain. */
export const appRouter = router({
  system: systemRouter,
  journal: journalRouter,
  telemetry: telemetryRouter,
  matches: matchesRouter,
  sessions: sessionsRouter,
});

export type AppRouter = typeof appRouter;
