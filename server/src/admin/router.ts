import { z } from "zod";
import type { Access } from "../auth/access.ts";
import type { JournalingApi } from "../journal/event-journal.ts";
import { assertOpenGroup } from "../journal/groups.ts";
import { GroupRefSchema } from "../journal/schemas.ts";
import { SCOPES } from "../platform/auth-user.ts";
import { adminProcedure, router } from "../platform/rpc.ts";
import type { WorkerDefinition } from "../workers/index.ts";
import { DeadLetterIdsInputSchema, DeadLetterListInputSchema, dropDeadLetters, listDeadLetters, redriveDeadLetters } from "./dead-letters.ts";
import { streamsOverview } from "./streams.ts";

export interface AdminDeps {
  access: Access;
  journal: JournalingApi;
  /** The built-in workers' groups: not deletable. */
  reservedGroups: () => ReadonlySet<string>;
  /** The built-in workers (their groups and leases, for the streams overview). */
  workers: () => readonly WorkerDefinition[];
}

const keyScopes = z
  .array(z.enum(SCOPES.filter((s) => s !== "player") as ["ingest", "read", "admin"]))
  .min(1, "scopes must name at least one of ingest, read, admin");
export const CreateKeyInputSchema = z.object({ name: z.string().min(1, "name must not be empty").max(100), scopes: keyScopes });
export const KeyIdSchema = z.object({ id: z.string().regex(/^[a-z0-9]{12}$/, "id must be a key id (12 lower-case letters and digits)") });

/** Deletes a consumer group that is not a built-in worker's; false when it did not exist. */
export async function deleteGroup({ journal, reservedGroups }: AdminDeps, stream: string, group: string): Promise<{ deleted: boolean }> {
  assertOpenGroup(group, reservedGroups());
  return { deleted: await journal.journal.deleteGroup(stream, group) };
}

/** Operator procedures (the `admin` scope): server keys, streams and consumer groups, dead letters. */
export const adminRouter = (deps: AdminDeps) =>
  router({
    keys: router({
      /** A new server key: its text is in this answer only (stored as a hash). */
      create: adminProcedure.input(CreateKeyInputSchema).mutation(({ input }) => deps.access.createKey(input.name, input.scopes)),
      /** Every key, newest first, without secrets. */
      list: adminProcedure.query(() => deps.access.listKeys()),
      /** Revokes a key; `revoked: false` when unknown or already revoked. */
      revoke: adminProcedure.input(KeyIdSchema).mutation(async ({ input }) => ({ revoked: await deps.access.revokeKey(input.id) })),
    }),
    /** The journal streams and their dead-letter streams: length, first and last id, entries added, and each group's consumers, worker and lease holder. */
    streams: adminProcedure.query(async () => ({ streams: await streamsOverview(deps.journal.journal, deps.workers()) })),
    groups: router({
      /** Deletes a consumer group with its pending entries (XGROUP DESTROY); not the built-in workers'. */
      delete: adminProcedure.input(GroupRefSchema).mutation(({ input }) => deleteGroup(deps, input.stream, input.group)),
    }),
    deadLetters: router({
      /** A page of a stream's dead letters, oldest first, with the error and the original event. */
      list: adminProcedure.input(DeadLetterListInputSchema).query(({ input }) => listDeadLetters(deps.journal.journal, input)),
      /** Appends each one's original event to its stream again and removes it from the dead-letter stream. */
      redrive: adminProcedure.input(DeadLetterIdsInputSchema).mutation(({ input }) => redriveDeadLetters(deps.journal.journal, input)),
      /** Removes dead letters for good. */
      drop: adminProcedure.input(DeadLetterIdsInputSchema).mutation(({ input }) => dropDeadLetters(deps.journal.journal, input)),
    }),
  });

export type AdminRouter = ReturnType<typeof adminRouter>;
