import { systemRouter } from "../system/router.ts";
import { router } from "./trpc.ts";

/** The root router: one namespace per domain. */
export const appRouter = router({
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
