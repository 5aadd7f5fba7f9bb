/**
 * A long, deterministic Game Master stream for the kill-and-restart test:
 * `TOTAL` entries for `GAMES` games, seeded, so every run feeds the same.
 *
 * - snapshots whose `player_turn_stats` grow by a noisy random walk (some
 *   players never grow; some appear only later; some lines lack
 *   `ships_built`; a line for a non-member now and then), some discriminated
 *   by `event_type` instead of `kind`;
 * - a `game_finished` for most games (a fifth of them paused at the time),
 *   after all of that game's snapshots, sometimes numbered by
 *   `final_turn_number`;
 * - replays of some finishes, later in the stream;
 * - malformed entries of every kind the decoder refuses;
 * - last, a snapshot of the sentinel game: once it is applied, every entry
 *   before it has been handled.
 */

export const GAMES = 100;
export const TOTAL = 10_000;
const FINISHING = 70;
const REPLAYS = 20;
const MALFORMED = 100;
export const SENTINEL_GAME = "game-ksentinel";
export const SENTINEL_TURN = 4242;

export interface GamePlan {
  id: string;
  members: string[];
  /** Paused (rather than running) when its entries arrive. */
  paused: boolean;
  finishes: boolean;
}

export interface KillPlan {
  games: GamePlan[];
  /** In stream order; `game` is the index in `games` (-1: malformed or sentinel). */
  entries: Array<{ game: number; fields: Record<string, string> }>;
}

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

export function killPlan(seed = 4): KillPlan {
  const r = prng(seed);
  const games: GamePlan[] = Array.from({ length: GAMES }, (_, g) => ({
    id: `game-k${String(g).padStart(3, "0")}`,
    members: Array.from({ length: r.int(2, 4) }, (_, m) => `user-${g}-${m}`),
    paused: g % 5 === 0,
    finishes: g < FINISHING,
  }));
  const snapshots = TOTAL - FINISHING - REPLAYS - MALFORMED - 1;
  const perGame = games.map(() => 1);
  for (let left = snapshots - GAMES; left > 0; left--) perGame[r.int(0, GAMES - 1)]!++;

  // Each game's own entries, in its order.
  const queues = games.map((game, g) => {
    const players = game.members.map((user, m) => ({
      user,
      from: m === 0 ? 1 : r.int(1, Math.max(1, Math.floor(perGame[g]! / 2))),
      planets: r.int(1, 10),
      population: r.int(10, 100),
      grows: r.next() < 0.7,
      ships: r.next() < 0.8,
    }));
    const line = (p: (typeof players)[number], turn: number) => {
      // A player who does not grow reports the same every turn: never capable.
      const noise = p.grows ? r.int(-3, 3) : 0;
      const growth = p.grows ? Math.floor(turn / 3) : 0;
      return {
        user_id: p.user,
        planets: Math.max(0, p.planets + growth + noise),
        population: Math.max(0, p.population + 2 * growth + noise),
        ...(p.ships ? { ships_built: Math.floor(turn / 2) } : {}),
      };
    };
    const queue: Array<Record<string, string>> = [];
    for (let turn = 1; turn <= perGame[g]!; turn++) {
      const lines = players.filter((p) => turn >= p.from).map((p) => line(p, turn));
      if (r.next() < 0.05) lines.push({ user_id: `user-outsider-${g}`, planets: r.int(0, 50), population: r.int(0, 50) });
      queue.push({
        [r.next() < 0.2 ? "event_type" : "kind"]: "runtime_snapshot_update",
        game_id: game.id,
        current_turn: String(turn),
        runtime_status: r.next() < 0.9 ? "running" : "degraded",
        engine_health_summary: `turn ${turn}: ${r.int(0, 3)} warnings`,
        ...(lines.length > 0 ? { player_turn_stats: JSON.stringify(lines) } : {}),
      });
    }
    if (game.finishes) {
      const turn = perGame[g]! + 1;
      queue.push({
        kind: "game_finished",
        game_id: game.id,
        runtime_status: "finished",
        [r.next() < 0.3 ? "final_turn_number" : "current_turn"]: String(turn),
        finished_at_ms: String(Date.UTC(2025, 6, 1) + g * 60_000),
        player_turn_stats: JSON.stringify(players.filter((p) => turn >= p.from).map((p) => line(p, turn))),
      });
    }
    return queue;
  });

  // Interleave the games, each in its own order.
  const entries: KillPlan["entries"] = [];
  const cursors = games.map(() => 0);
  let remaining = queues.reduce((n, q) => n + q.length, 0);
  while (remaining > 0) {
    let g = r.int(0, GAMES - 1);
    while (cursors[g]! >= queues[g]!.length) g = (g + 1) % GAMES;
    entries.push({ game: g, fields: queues[g]![cursors[g]!++]! });
    remaining--;
  }

  // Replays of finishes, somewhere after the original.
  const finishing = games.map((_, g) => g).filter((g) => games[g]!.finishes);
  for (let i = 0; i < REPLAYS; i++) {
    const g = finishing[r.int(0, finishing.length - 1)]!;
    const at = entries.findIndex((e) => e.game === g && e.fields.kind === "game_finished");
    const to = r.int(at + 1, entries.length);
    entries.splice(to, 0, { game: g, fields: { ...entries[at]!.fields } });
  }

  const malformed = (i: number): Record<string, string> => {
    const game = games[r.int(0, GAMES - 1)]!.id;
    switch (i % 7) {
      case 0:
        return { kind: "runtime_snapshot_update", game_id: game, current_turn: "-1" };
      case 1:
        return { kind: "runtime_snapshot_update", game_id: game, current_turn: "seven" };
      case 2:
        return { kind: "runtime_snapshot_update", game_id: game, current_turn: "3", player_turn_stats: "[{broken" };
      case 3:
        return { kind: "turn_generated", game_id: game };
      case 4:
        return { kind: "runtime_snapshot_update", game_id: "not a game id" };
      case 5:
        return { kind: "game_finished", game_id: game, finished_at_ms: "0" };
      default:
        return { kind: "runtime_snapshot_update", game_id: game, player_turn_stats: JSON.stringify([{ user_id: "user-x", planets: -4, population: 1 }]) };
    }
  };
  for (let i = 0; i < MALFORMED; i++) entries.splice(r.int(0, entries.length), 0, { game: -1, fields: malformed(i) });

  entries.push({ game: -1, fields: { kind: "runtime_snapshot_update", game_id: SENTINEL_GAME, current_turn: String(SENTINEL_TURN) } });
  return { games, entries };
}
