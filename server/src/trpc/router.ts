import { journalRouter } from "../journal/router.ts";
import { sessionsRouter } from "../sessions/router.ts";
import { systemRouter } from "../system/router.ts";
import { router } from "./trpc.ts";

/** The root router: one namespace per domain. */
export const appRouter = router({
  system: systemRouter,
  journal: journalRouter,
  sessions: sessionsRouter,
});

export type AppRouter = typeof appRouter;
