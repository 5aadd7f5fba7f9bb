import { ForbiddenError } from "../errors.ts";

/**
 * The built-in workers' consumer groups belong to them: a client that read,
 * acked or claimed their entries would take them from the worker (the entries
 * would never be stored or summarised). Throws ForbiddenError for such a
 * group; true otherwise, so it can lead an `&&`.
 */
export function assertOpenGroup(group: string, reserved: ReadonlySet<string>): true {
  if (reserved.has(group)) {
    throw new ForbiddenError(`consumer group "${group}" belongs to a built-in worker and cannot be used through the API; create a group of your own`);
  }
  return true;
}
