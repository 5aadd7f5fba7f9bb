export * from "./redis-registry.ts";
export * from "./registry.ts";
export * from "./router.ts";
export * from "./routes.ts";
export * from "./sqlite-registry.ts";
export * from "./telemetry.ts";
