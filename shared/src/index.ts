export * from "./frames.ts";
export * from "./journal.ts";
export * from "./streams.ts";
export * from "./matches.ts";
export * from "./ids.ts";
export * from "./frame-entry.ts";
export * from "./games.ts";
export * from "./lobby.ts";
