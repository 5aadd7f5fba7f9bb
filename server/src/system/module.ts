import type { DomainModule } from "../platform/module.ts";
import { systemRouter, type SystemApi } from "./router.ts";

/** `system.health` and `system.clock`. */
export function openSystem(api: SystemApi): DomainModule<"system", SystemApi> {
  return { name: "system", api, router: systemRouter(api) };
}
