export * from "./frames.ts";
export * from "./journal.ts";
export * from "./streams.ts";
export * from "./matches.ts";
export * from "./lobby.ts";
