export * from "./graphql.ts";
export * from "./mongo-session-event-store.ts";
export * from "./routes.ts";
export * from "./session-event-store.ts";
export * from "./session-event.ts";
export * from "./sqlite-session-event-store.ts";
