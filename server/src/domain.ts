import type { Backends } from "./backends/index.ts";
import type { Config } from "./config.ts";
import type { JournalingApi } from "./journal/event-journal.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics/index.ts";
import type { Clock } from "./platform/clock.ts";

/** What every domain's `open…` function is built from (see server.ts). */
export interface DomainDeps {
  backends: Backends;
  config: Config;
  journal: JournalingApi;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}
