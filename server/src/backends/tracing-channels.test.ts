import { expect, test } from "bun:test";
import * as diagnostics from "node:diagnostics_channel";
import { tracingChannelsAsOnNode } from "./tracing-channels.ts";

test("a TracingChannel says whether anything subscribes to it, as on Node, so node-redis traces only then", () => {
  tracingChannelsAsOnNode();
  tracingChannelsAsOnNode(); // once is enough; again changes nothing
  const channel = diagnostics.tracingChannel("gamejournal:test") as unknown as { hasSubscribers: boolean } & ReturnType<typeof diagnostics.tracingChannel>;
  expect(channel.hasSubscribers).toBe(false);
  const handlers = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  channel.subscribe(handlers);
  expect(channel.hasSubscribers).toBe(true);
  channel.unsubscribe(handlers);
  expect(channel.hasSubscribers).toBe(false);
  const onlyErrors = diagnostics.channel("tracing:gamejournal:test:error");
  const listener = () => {};
  onlyErrors.subscribe(listener);
  expect(channel.hasSubscribers).toBe(true);
  onlyErrors.unsubscribe(listener);
  expect(channel.hasSubscribers).toBe(false);
});
