export * from "./streams.ts";
