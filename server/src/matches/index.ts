export * from "./aggregate.ts";
export * from "./entry-id.ts";
export * from "./identity.ts";
export * from "./summary.ts";
