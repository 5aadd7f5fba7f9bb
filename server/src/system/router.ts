import { tracked } from "@trpc/server";
import { z } from "zod";
import type { HealthReport } from "../health/index.ts";
import type { Clock } from "../platform/clock.ts";
import { publicProcedure, router } from "../platform/rpc.ts";
import { anySignal, sleep } from "../util/abort.ts";

/** What the system procedures use: the health report, the clock, and the shutdown signal that ends subscriptions. */
export interface SystemApi {
  readonly health: { report(): Promise<HealthReport> };
  readonly clock: Clock;
  readonly shutdown: AbortSignal;
}

export const systemRouter = ({ health, clock, shutdown }: SystemApi) =>
  router({
    /** The same report as `GET /health`. */
    health: publicProcedure.query(() => health.report()),

    /**
     * One tick a second, each with an id (the tick's epoch ms), until the
     * client unsubscribes or the server shuts down. Proves the three
     * subscription transports; `lastEventId` is accepted and ignored, since a
     * clock has nothing to replay.
     */
    clock: publicProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* clockTicks({ signal }) {
      const stop = anySignal(shutdown, signal);
      while (!stop.aborted) {
        const now = clock.now();
        yield tracked(String(now), { now, iso: new Date(now).toISOString() });
        await sleep(1_000 - (now % 1_000), stop);
      }
    }),
  });

export type SystemRouter = ReturnType<typeof systemRouter>;
