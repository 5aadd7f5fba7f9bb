import type { Journal } from "./journal.ts";
import { ForbiddenError } from "../errors.ts";

/**
 * The built-in workers' consumer groups belong to them: a client that read,
 * acked or claimed their entries would take them from the worker (the entries
 * would never be stored or summarised). Throws ForbiddenError for such a
 * group.
 */
export function assertOpenGroup(group: string, reserved: ReadonlySet<string>): void {
  if (reserved.has(group)) {
    throw new ForbiddenError(`consumer group "${group}" belongs to a built-in worker and cannot be used through the API; create a group of your own`);
  }
}

/** The most consumer groups a stream may have through the API: each costs work on every read of `journal.streams`. */
export const MAX_GROUPS_PER_STREAM = 32;

/** Throws ForbiddenError when `stream` already has the most groups allowed (delete one with `admin.groups.delete`). */
export async function assertRoomForGroup(journal: Journal, stream: string, group: string): Promise<void> {
  const groups = (await journal.info(stream))?.groups ?? [];
  if (groups.length >= MAX_GROUPS_PER_STREAM && !groups.some((g) => g.name === group)) {
    throw new ForbiddenError(`stream ${stream} has ${groups.length} consumer groups, the most allowed (${MAX_GROUPS_PER_STREAM}); delete one first`);
  }
}
