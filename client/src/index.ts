export { closeClient, createClient, type AppRouter, type ClientOptions, type GameJournalClient } from "./client.ts";
