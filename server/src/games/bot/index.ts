export { runBots, type BotAck, type BotGameResult, type BotOptions } from "./bot.ts";
export { botCommand } from "./command.ts";
export { stateFromView } from "./view-state.ts";
