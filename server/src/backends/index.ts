export * from "./backends.ts";
export * from "./mongo.ts";
export * from "./redis.ts";
export * from "./sqlite.ts";
export * from "./redis-errors.ts";
export * from "./redis-nodes.ts";
