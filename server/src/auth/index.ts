export * from "./auth.ts";
export * from "./token-command.ts";
export * from "./key-command.ts";
