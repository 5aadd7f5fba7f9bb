import { JOURNAL_STREAMS, PlayerActionInputSchema, PurchaseInputSchema, TelemetryInputSchema } from "@gamejournal/shared";
import { z } from "zod";
import type { FeedMetrics, LiveFeeds } from "../platform/live-feed/index.ts";
import { publicProcedure, router } from "../platform/rpc.ts";
import type { JournalingApi } from "./event-journal.ts";
import { isStreamId } from "./ids.ts";
import {
  AckInputSchema,
  AppendBatchInputSchema,
  CreateGroupInputSchema,
  GroupReadInputSchema,
  GroupRefSchema,
  ReadableStreamNameSchema,
  ReadInputSchema,
} from "./schemas.ts";

export interface JournalRouterDeps {
  journal: JournalingApi;
  feeds: LiveFeeds;
  /** Metrics of `journal.follow` feeds. */
  followMetrics?: FeedMetrics;
}

/** The journal over tRPC: seed 000's three journaling calls, a batch append, reads, live follow and consumer groups. */
export const journalRouter = ({ journal, feeds, followMetrics }: JournalRouterDeps) =>
  router({
    playerAction: publicProcedure
      .input(PlayerActionInputSchema)
      .mutation(({ input: i }) => journal.journalPlayerAction(i.user_id, i.session_id, i.match_id, i.action, i.data, { key: i.key, ts: i.ts })),

    purchase: publicProcedure
      .input(PurchaseInputSchema)
      .mutation(({ input: i }) => journal.journalPurchase(i.user_id, i.session_id, i.purchase, { key: i.key, ts: i.ts })),

    telemetry: publicProcedure
      .input(TelemetryInputSchema)
      .mutation(({ input: i }) => journal.journalTelemetry(i.user_id, i.session_id, i.lobby_id, i.data, { key: i.key, ts: i.ts })),

    /** Up to 1,000 events in one call and one round trip to Redis. */
    appendBatch: publicProcedure.input(AppendBatchInputSchema).mutation(({ input }) => journal.appendBatch(input.events)),

    /** Entries in id order: `from` inclusive, or `after` exclusive to resume. */
    read: publicProcedure.input(ReadInputSchema).query(async ({ input }) => ({
      stream: input.stream,
      events: await journal.journal.read(input.stream, input),
    })),

    /**
     * A stream's entries live, each with its id: with `lastEventId` (the
     * client sends it by itself after a reconnect) every later entry still
     * kept first, then live ones, with no gap and no duplicate; without it,
     * entries appended from now on. `events_lost` first when the id was trimmed.
     */
    follow: publicProcedure
      .input(
        z.object({
          stream: ReadableStreamNameSchema,
          lastEventId: z.string().refine(isStreamId, { message: "lastEventId must be an event id such as 1732350000000-0" }).nullish(),
        }),
      )
      .subscription(({ ctx, input, signal }) =>
        feeds.follow({
          stream: input.stream,
          lastEventId: input.lastEventId ?? null,
          signal: signal ?? new AbortController().signal,
          transport: ctx.transport === "ws" ? "ws" : "sse",
          disconnect: ctx.disconnect,
          ...(followMetrics ? { metrics: followMetrics } : {}),
        }),
      ),

    /** Per journal stream: length, first and last id, and each consumer group's pending count and lag. */
    streams: publicProcedure.query(async () => {
      const infos = await Promise.all(JOURNAL_STREAMS.map((s) => journal.journal.info(s)));
      return JOURNAL_STREAMS.map((stream, i) => infos[i] ?? { stream, length: 0, first_id: null, last_id: null, max_deleted_id: "0-0", groups: [] });
    }),

    /** Consumer groups for remote consumers (XGROUP CREATE, XREADGROUP, XACK, XPENDING). */
    groups: router({
      create: publicProcedure.input(CreateGroupInputSchema).mutation(async ({ input }) => ({
        created: await journal.journal.createGroup(input.stream, input.group, input.start_id),
      })),
      read: publicProcedure.input(GroupReadInputSchema).mutation(async ({ input, signal }) => ({
        events: await journal.journal.readGroup(input.stream, input.group, input.consumer, {
          count: input.count,
          blockMs: input.block_ms,
          id: input.id,
          ...(signal ? { signal } : {}),
        }),
      })),
      ack: publicProcedure.input(AckInputSchema).mutation(async ({ input }) => ({
        acked: await journal.journal.ack(input.stream, input.group, input.ids),
      })),
      pending: publicProcedure.input(GroupRefSchema).query(({ input }) => journal.journal.pending(input.stream, input.group)),
    }),
  });

export type JournalRouter = ReturnType<typeof journalRouter>;
