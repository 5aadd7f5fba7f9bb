import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { adminRouter, type AdminDeps } from "./router.ts";
import { adminRoutes } from "./routes.ts";

/** What operators do: server keys, streams and consumer groups, dead letters (the `admin` scope), over tRPC (`admin.*`) and REST (`/v1/admin/`). */
export function openAdmin({ access, journal }: PlatformDeps, { reservedGroups, workers }: Pick<AdminDeps, "reservedGroups" | "workers">): DomainModule<"admin", AdminDeps> {
  const deps: AdminDeps = { access, journal, reservedGroups, workers };
  return { name: "admin", api: deps, router: adminRouter(deps), routes: [adminRoutes(deps)] };
}
