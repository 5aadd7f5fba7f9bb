export * from "./context.ts";
export * from "./router.ts";
export * from "./serialized-json.ts";
export * from "./trpc.ts";
export * from "./ws-handler.ts";
