import { GM_LOBBY_EVENTS_STREAM } from "@gamejournal/shared";
import { z } from "zod";
import { ConfigError } from "../config-error.ts";

/** The lobby's settings, from the environment. */
export interface LobbyConfig {
  /** The Game Master's runtime event stream (Redis key, or journal stream when embedded). */
  gmEventsStream: string;
}

const envSchema = z.object({
  /** The seed's setting: the stream key of the Game Master's lobby events. */
  LOBBY_GM_EVENTS_STREAM: z
    .string()
    .regex(/^[^\s]{1,200}$/, "must be 1 to 200 characters without whitespace")
    .default(GM_LOBBY_EVENTS_STREAM),
});

/**
 * Parses the lobby's variables (normally `process.env`); a bad value throws
 * ConfigError naming the variable, as the server's `loadConfig` does. An
 * empty value means unset.
 */
export function parseLobbyConfig(env: Record<string, string | undefined>): LobbyConfig {
  const result = envSchema.safeParse({ LOBBY_GM_EVENTS_STREAM: env.LOBBY_GM_EVENTS_STREAM === "" ? undefined : env.LOBBY_GM_EVENTS_STREAM });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? "LOBBY_GM_EVENTS_STREAM"), issue.message);
  }
  return { gmEventsStream: result.data.LOBBY_GM_EVENTS_STREAM };
}
