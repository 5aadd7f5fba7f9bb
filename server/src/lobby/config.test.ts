import { expect, test } from "bun:test";
import { ConfigError } from "../config.ts";
import { parseLobbyConfig } from "./config.ts";

test("LOBBY_GM_EVENTS_STREAM defaults to gm:lobby_events; a bad value names the variable", () => {
  expect(parseLobbyConfig({})).toEqual({ gmEventsStream: "gm:lobby_events" });
  expect(parseLobbyConfig({ LOBBY_GM_EVENTS_STREAM: "" })).toEqual({ gmEventsStream: "gm:lobby_events" });
  expect(parseLobbyConfig({ LOBBY_GM_EVENTS_STREAM: "gm:{eu}:lobby_events" })).toEqual({ gmEventsStream: "gm:{eu}:lobby_events" });
  expect(() => parseLobbyConfig({ LOBBY_GM_EVENTS_STREAM: "has space" })).toThrow(ConfigError);
  expect(() => parseLobbyConfig({ LOBBY_GM_EVENTS_STREAM: "has space" })).toThrow(/LOBBY_GM_EVENTS_STREAM/);
});
