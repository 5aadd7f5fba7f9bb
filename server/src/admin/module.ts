import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { adminRouter, type AdminDeps } from "./router.ts";
import { adminRoutes } from "./routes.ts";

/** What operators do: server keys and consumer groups (the `admin` scope), over tRPC (`admin.*`) and REST (`/v1/admin/`). */
export function openAdmin({ access, journal }: PlatformDeps, { reservedGroups }: Pick<AdminDeps, "reservedGroups">): DomainModule<"admin", AdminDeps> {
  const deps: AdminDeps = { access, journal, reservedGroups };
  return { name: "admin", api: deps, router: adminRouter(deps), routes: [adminRoutes(deps)] };
}
