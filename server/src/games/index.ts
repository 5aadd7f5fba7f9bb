export { openGames } from "./module.ts";
export { GameService, type GameServiceDeps } from "./service.ts";
export { gameFeed, type GameFeedStep, type GameFeedOptions } from "./feed.ts";
export { replayGame } from "./replay.ts";
export { digestOf, canonicalJson } from "./digest.ts";
export { foldRoom, type Room } from "./room.ts";
export { openGameEventStore } from "./stores.ts";
export { GAME_SOCKET_PATH } from "./socket-endpoint.ts";
export type { GamesRouter } from "./router.ts";
