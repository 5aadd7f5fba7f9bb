import { z } from "zod";
import type { Access } from "../auth/access.ts";
import type { JournalingApi } from "../journal/event-journal.ts";
import { assertOpenGroup } from "../journal/groups.ts";
import { GroupRefSchema } from "../journal/schemas.ts";
import { SCOPES } from "../platform/auth-user.ts";
import { adminProcedure, router } from "../platform/rpc.ts";

export interface AdminDeps {
  access: Access;
  journal: JournalingApi;
  /** The built-in workers' groups: not deletable. */
  reservedGroups: () => ReadonlySet<string>;
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

/** Operator procedures (the `admin` scope): server keys and consumer groups. */
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
    groups: router({
      /** Deletes a consumer group with its pending entries (XGROUP DESTROY); not the built-in workers'. */
      delete: adminProcedure.input(GroupRefSchema).mutation(({ input }) => deleteGroup(deps, input.stream, input.group)),
    }),
  });

export type AdminRouter = ReturnType<typeof adminRouter>;
