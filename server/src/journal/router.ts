import { JOURNAL_STREAMS, PlayerActionInputSchema, PurchaseInputSchema, TelemetryInputSchema } from "@gamejournal/shared";
import { publicProcedure, router } from "../trpc/trpc.ts";
import { AckInputSchema, AppendBatchInputSchema, CreateGroupInputSchema, GroupReadInputSchema, GroupRefSchema, ReadInputSchema } from "./schemas.ts";

/** The journal over tRPC: seed 000's three journaling calls, a batch append, reads and consumer groups. */
export const journalRouter = router({
  playerAction: publicProcedure
    .input(PlayerActionInputSchema)
    .mutation(({ ctx, input: i }) => ctx.services.journal.journalPlayerAction(i.user_id, i.session_id, i.match_id, i.action, i.data, { key: i.key, ts: i.ts })),

  purchase: publicProcedure
    .input(PurchaseInputSchema)
    .mutation(({ ctx, input: i }) => ctx.services.journal.journalPurchase(i.user_id, i.session_id, i.purchase, { key: i.key, ts: i.ts })),

  telemetry: publicProcedure
    .input(TelemetryInputSchema)
    .mutation(({ ctx, input: i }) => ctx.services.journal.journalTelemetry(i.user_id, i.session_id, i.lobby_id, i.data, { key: i.key, ts: i.ts })),

  /** Up to 1,000 events in one call and one round trip to Redis. */
  appendBatch: publicProcedure.input(AppendBatchInputSchema).mutation(({ ctx, input }) => ctx.services.journal.appendBatch(input.events)),

  /** Entries in id order: `from` inclusive, or `after` exclusive to resume. */
  read: publicProcedure.input(ReadInputSchema).query(async ({ ctx, input }) => ({
    stream: input.stream,
    events: await ctx.services.journal.journal.read(input.stream, input),
  })),

  /** Per journal stream: length, first and last id, and each consumer group's pending count and lag. */
  streams: publicProcedure.query(async ({ ctx }) => {
    const infos = await Promise.all(JOURNAL_STREAMS.map((s) => ctx.services.journal.journal.info(s)));
    return JOURNAL_STREAMS.map((stream, i) => infos[i] ?? { stream, length: 0, first_id: null, last_id: null, max_deleted_id: "0-0", groups: [] });
  }),

  /** Consumer groups for remote consumers (XGROUP CREATE, XREADGROUP, XACK, XPENDING). */
  groups: router({
    create: publicProcedure.input(CreateGroupInputSchema).mutation(async ({ ctx, input }) => ({
      created: await ctx.services.journal.journal.createGroup(input.stream, input.group, input.start_id),
    })),
    read: publicProcedure.input(GroupReadInputSchema).mutation(async ({ ctx, input, signal }) => ({
      events: await ctx.services.journal.journal.readGroup(input.stream, input.group, input.consumer, {
        count: input.count,
        blockMs: input.block_ms,
        id: input.id,
        ...(signal ? { signal } : {}),
      }),
    })),
    ack: publicProcedure.input(AckInputSchema).mutation(async ({ ctx, input }) => ({
      acked: await ctx.services.journal.journal.ack(input.stream, input.group, input.ids),
    })),
    pending: publicProcedure.input(GroupRefSchema).query(({ ctx, input }) => ctx.services.journal.journal.pending(input.stream, input.group)),
  }),
});
