export * from "./auth.ts";
export * from "./token-command.ts";
