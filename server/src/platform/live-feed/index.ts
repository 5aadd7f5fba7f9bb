export * from "./feed-metrics.ts";
export * from "./live-feed.ts";
export * from "./socket-delivery.ts";
export * from "./sse.ts";
export * from "./socket-pipe.ts";
export * from "./sse-format.ts";
