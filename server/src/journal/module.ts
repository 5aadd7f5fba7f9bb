import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { prometheusFeedMetrics } from "../platform/live-feed/index.ts";
import type { JournalingApi } from "./event-journal.ts";
import { journalRouter } from "./router.ts";
import { journalRoutes } from "./routes.ts";

/** The journal's edges: seed 000's journaling calls, reads, live follow and consumer groups over tRPC and REST. */
export function openJournalEdges(
  { journal, feeds, metrics }: PlatformDeps,
  { reservedGroups }: { reservedGroups?: () => ReadonlySet<string> } = {},
): DomainModule<"journal", JournalingApi> {
  const followMetrics = prometheusFeedMetrics(metrics.registry, "journal_follow", "journal stream");
  const deps = { journal, feeds, followMetrics, ...(reservedGroups ? { reservedGroups } : {}) };
  return { name: "journal", api: journal, router: journalRouter(deps), routes: [journalRoutes(deps)] };
}
