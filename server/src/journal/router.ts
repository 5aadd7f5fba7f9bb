import { JOURNAL_STREAMS, PlayerActionInputSchema, PurchaseInputSchema, TelemetryInputSchema } from "@gamejournal/shared";
import { z } from "zod";
import type { FeedMetrics, LiveFeeds } from "../platform/live-feed/index.ts";
import { assertActsAs, principalOf, type AuthUser, type Identity } from "../platform/auth-user.ts";
import { adminProcedure, readProcedure, router, scopedProcedure, subscriberOf } from "../platform/rpc.ts";
import { assertOpenGroup, assertRoomForGroup } from "./groups.ts";
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
  /** The built-in workers' consumer groups: never read, acked or claimed through the API. */
  reservedGroups?: () => ReadonlySet<string>;
}

/** Appends need a credential; without `ingest`, only as oneself (see `assertActsAs`). */
const appendProcedure = scopedProcedure("any");

/** Checks an append's user against its caller (see `assertActsAs`). */
function actingAs(ctx: { identity: Identity; user: AuthUser }, userId: string): void {
  assertActsAs(ctx.identity, ctx.user, [userId]);
}

/** The journal over tRPC: seed 000's three journaling calls, a batch append, reads, live follow and consumer groups. */
export const journalRouter = ({ journal, feeds, followMetrics, reservedGroups = () => new Set() }: JournalRouterDeps) =>
  router({
    playerAction: appendProcedure.input(PlayerActionInputSchema).mutation(({ ctx, input: i }) => {
      actingAs(ctx, i.user_id);
      return journal.journalPlayerAction(i.user_id, i.session_id, i.match_id, i.action, i.data, { key: i.key, ts: i.ts, principal: principalOf(ctx.user) });
    }),

    purchase: appendProcedure.input(PurchaseInputSchema).mutation(({ ctx, input: i }) => {
      actingAs(ctx, i.user_id);
      return journal.journalPurchase(i.user_id, i.session_id, i.purchase, { key: i.key, ts: i.ts, principal: principalOf(ctx.user) });
    }),

    telemetry: appendProcedure.input(TelemetryInputSchema).mutation(({ ctx, input: i }) => {
      actingAs(ctx, i.user_id);
      return journal.journalTelemetry(i.user_id, i.session_id, i.lobby_id, i.data, { key: i.key, ts: i.ts, principal: principalOf(ctx.user) });
    }),

    /** Up to 1,000 events in one call and one round trip to Redis. */
    appendBatch: appendProcedure.input(AppendBatchInputSchema).mutation(({ ctx, input }) => {
      assertActsAs(
        ctx.identity,
        ctx.user,
        input.events.map((e) => e.user_id),
        "user_id",
      );
      return journal.appendBatch(input.events, { principal: principalOf(ctx.user) });
    }),

    /** Entries in id order: `from` inclusive, or `after` exclusive to resume. */
    read: readProcedure.input(ReadInputSchema).query(async ({ input }) => ({
      stream: input.stream,
      events: await journal.journal.read(input.stream, input),
    })),

    /**
     * A stream's entries live, each with its id: with `lastEventId` (the
     * client sends it by itself after a reconnect) every later entry still
     * kept first, then live ones, with no gap and no duplicate; without it,
     * entries appended from now on. `events_lost` first when the id was trimmed.
     */
    follow: readProcedure
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
          ...subscriberOf(ctx, signal),
          ...(followMetrics ? { metrics: followMetrics } : {}),
        }),
      ),

    /** Per journal stream: length, first and last id, and each consumer group's pending count and lag. */
    streams: readProcedure.query(async () => {
      const infos = await Promise.all(JOURNAL_STREAMS.map((s) => journal.journal.info(s)));
      return JOURNAL_STREAMS.map((stream, i) => infos[i] ?? { stream, length: 0, first_id: null, last_id: null, max_deleted_id: "0-0", entries_added: 0, groups: [] });
    }),

    /**
     * Consumer groups for remote consumers (XGROUP CREATE, XREADGROUP, XACK,
     * XPENDING): reading and listing pending need `read`, creating and
     * acking `admin`; the built-in workers' groups are off limits, and a
     * stream holds at most MAX_GROUPS_PER_STREAM groups.
     */
    groups: router({
      create: adminProcedure.input(CreateGroupInputSchema).mutation(async ({ input }) => {
        assertOpenGroup(input.group, reservedGroups());
        await assertRoomForGroup(journal.journal, input.stream, input.group);
        return { created: await journal.journal.createGroup(input.stream, input.group, input.start_id) };
      }),
      read: readProcedure.input(GroupReadInputSchema).mutation(async ({ input, signal }) => {
        assertOpenGroup(input.group, reservedGroups());
        const events = await journal.journal.readGroup(input.stream, input.group, input.consumer, {
          count: input.count,
          blockMs: input.block_ms,
          id: input.id,
          ...(signal ? { signal } : {}),
        });
        return { events };
      }),
      ack: adminProcedure.input(AckInputSchema).mutation(async ({ input }) => {
        assertOpenGroup(input.group, reservedGroups());
        return { acked: await journal.journal.ack(input.stream, input.group, input.ids) };
      }),
      pending: readProcedure.input(GroupRefSchema).query(({ input }) => journal.journal.pending(input.stream, input.group)),
    }),
  });

export type JournalRouter = ReturnType<typeof journalRouter>;
