import * as diagnostics from "node:diagnostics_channel";

const PHASES = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;

/**
 * Gives Bun's `TracingChannel` the `hasSubscribers` getter Node has (true
 * when any of its five channels has a subscriber), once per process.
 *
 * node-redis traces each command through a TracingChannel only when
 * `hasSubscribers` is not `false`; Bun's has no such property, so every
 * command built a trace context (its arguments copied and sanitised) and
 * went through `tracePromise` although nobody listened. With the getter a
 * command is traced exactly when something subscribes, as on Node.
 * Does nothing where the property exists.
 */
export function tracingChannelsAsOnNode(): void {
  if (typeof diagnostics.tracingChannel !== "function") return;
  const proto = Object.getPrototypeOf(diagnostics.tracingChannel("gamejournal:probe")) as object;
  if ("hasSubscribers" in proto) return;
  Object.defineProperty(proto, "hasSubscribers", {
    configurable: true,
    get(this: Record<(typeof PHASES)[number], { hasSubscribers?: boolean } | undefined>): boolean {
      return PHASES.some((phase) => this[phase]?.hasSubscribers === true);
    },
  });
}
