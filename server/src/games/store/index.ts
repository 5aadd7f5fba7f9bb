export * from "./event-store.ts";
export { LIMITS as GAME_EVENT_STORE_LIMITS } from "./event-store-input.ts";
export { MongoGameEventStore, type MongoGameEventStoreOptions } from "./event-store-mongo.ts";
export { SqliteGameEventStore } from "./event-store-sqlite.ts";
