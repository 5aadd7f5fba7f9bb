import { tracked } from "@trpc/server";
import { z } from "zod";
import { publicProcedure, router } from "../trpc/trpc.ts";
import { anySignal, sleep } from "../util/abort.ts";

export const systemRouter = router({
  /** The same report as `GET /health`. */
  health: publicProcedure.query(({ ctx }) => ctx.services.health.report()),

  /**
   * One tick a second, each with an id (the tick's epoch ms), until the
   * client unsubscribes or the server shuts down. Proves the three
   * subscription transports; `lastEventId` is accepted and ignored, since a
   * clock has nothing to replay.
   */
  clock: publicProcedure
    .input(z.object({ lastEventId: z.string().nullish() }).optional())
    .subscription(async function* clockTicks({ ctx, signal }) {
      const stop = anySignal(ctx.services.shutdown, signal);
      while (!stop.aborted) {
        const now = ctx.services.clock.now();
        yield tracked(String(now), { now, iso: new Date(now).toISOString() });
        await sleep(1_000 - (now % 1_000), stop);
      }
    }),
});
