export * from "./ports.ts";
export * from "./services.ts";
