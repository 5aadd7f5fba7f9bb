export * from "./health.ts";
export * from "./readiness.ts";
