import type { GameRecord, GameStatus, GameTrigger, GameType } from "@gamejournal/shared";

/** The documents a game record is made of in MongoDB (see game-store-mongo.ts). */

export interface GameDocument {
  game_id: string;
  name: string;
  owner_id: string | null;
  type: GameType;
  min_players: number;
  max_players: number;
  created_at: Date;
}

/** One status of a game: seq 0 is the draft `create` stored, each transition adds the next. */
export interface StateDocument {
  game_id: string;
  seq: number;
  status: GameStatus;
  from_status: GameStatus | null;
  trigger: GameTrigger | null;
  at: Date;
  /** Carried forward from the previous state, so the newest state alone tells them. */
  started_at: Date | null;
  finished_at: Date | null;
  /** True until a newer state supersedes this one (possibly left true by a crash). */
  current: boolean;
}

export interface SnapshotDocument {
  game_id: string;
  current_turn: number;
  runtime_status: string;
  engine_health_summary: string;
  updated_at: Date;
}

export interface MemberDocument {
  game_id: string;
  user_id: string;
  active: boolean;
  joined_at: Date;
  changed_at: Date;
}

/** A record from its documents; `states` holds at least the newest (flagged current). */
export function toRecord(game: GameDocument, states: StateDocument[], snapshot: SnapshotDocument | undefined, members: MemberDocument[]): GameRecord {
  const state = states.reduce<StateDocument | undefined>((newest, s) => (newest && newest.seq > s.seq ? newest : s), undefined);
  const times = [game.created_at.getTime(), state?.at.getTime() ?? 0, snapshot?.updated_at.getTime() ?? 0, ...members.map((m) => m.changed_at.getTime())];
  return {
    game_id: game.game_id,
    name: game.name,
    owner_id: game.owner_id,
    type: game.type,
    min_players: game.min_players,
    max_players: game.max_players,
    status: state?.status ?? "draft",
    runtime_snapshot: snapshot
      ? {
          current_turn: snapshot.current_turn,
          runtime_status: snapshot.runtime_status,
          engine_health_summary: snapshot.engine_health_summary,
          updated_at: snapshot.updated_at.toISOString(),
        }
      : null,
    members: members
      .filter((m) => m.active)
      .map((m) => m.user_id)
      .sort(),
    created_at: game.created_at.toISOString(),
    updated_at: new Date(Math.max(...times)).toISOString(),
    started_at: state?.started_at?.toISOString() ?? null,
    finished_at: state?.finished_at?.toISOString() ?? null,
  };
}
