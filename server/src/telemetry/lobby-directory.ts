import type { Journal } from "../journal/journal.ts";
import type { SubscriptionRegistry } from "./registry.ts";

/** A lobby as the operator console lists it: its stream and its subscribers. */
export interface LobbySummary {
  lobby_id: string;
  /** Events kept in the lobby's stream (capped at TELEMETRY_LOBBY_STREAM_MAXLEN). */
  length: number;
  /** Events ever broadcast to it. */
  entries_added: number;
  last_id: string | null;
  /** When the newest kept event was appended (epoch ms), from its id. */
  last_event_at: number | null;
  subscribers: number;
  active_subscribers: number;
}

const LOBBY_STREAM = /^lobby:\{(.+)\}:events$/;

/**
 * The lobbies that have a stream, most recently active first, at most
 * `limit` of them: one stream listing (SCAN on Redis), then the info and the
 * subscriptions of the newest `limit` lobbies.
 */
export async function listLobbies(journal: Journal, registry: SubscriptionRegistry, limit: number): Promise<{ lobbies: LobbySummary[]; total: number }> {
  const streams = await journal.streams("lobby:{*}:events");
  const infos = await Promise.all(streams.map(async (stream) => ({ stream, info: await journal.info(stream) })));
  const newest = infos
    .filter((x) => x.info)
    .sort((a, b) => lastMs(b.info!.last_id) - lastMs(a.info!.last_id))
    .slice(0, limit);
  const lobbies = await Promise.all(
    newest.map(async ({ stream, info }) => {
      const lobbyId = LOBBY_STREAM.exec(stream)?.[1] ?? stream;
      const subscriptions = await registry.list(lobbyId);
      return {
        lobby_id: lobbyId,
        length: info!.length,
        entries_added: info!.entries_added,
        last_id: info!.last_id,
        last_event_at: info!.last_id ? lastMs(info!.last_id) : null,
        subscribers: subscriptions.length,
        active_subscribers: subscriptions.filter((s) => s.active).length,
      };
    }),
  );
  return { lobbies, total: streams.length };
}

function lastMs(id: string | null): number {
  return id ? Number(id.split("-")[0]) : 0;
}
