export * from "./frames.ts";
export * from "./streams.ts";
