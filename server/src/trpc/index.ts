export * from "./app-router.ts";
export * from "./context.ts";
export * from "./ws-handler.ts";
