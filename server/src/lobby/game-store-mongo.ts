import type { GameRecord, GameRecordPage, GameStatus } from "@gamejournal/shared";
import type { Collection, Db } from "mongodb";
import { NotFoundError } from "../errors.ts";
import type { Clock } from "../platform/clock.ts";
import { ConflictError } from "./errors.ts";
import {
  parseCreateGame,
  parseListOptions,
  parseMember,
  parseSnapshot,
  parseUpdateStatus,
  toPage,
  type CreateGameInput,
  type GameListOptions,
  type GameStore,
  type RuntimeSnapshotInput,
  type UpdateStatusInput,
} from "./game-store.ts";
import { toGameId } from "./ids.ts";
import { ensureIndexes, guardMongo, insertUnique, isDuplicateKey } from "./mongo-support.ts";
import { toRecord, type GameDocument, type MemberDocument, type SnapshotDocument, type StateDocument } from "./game-store-mongo-records.ts";

/**
 * `GameStore` on MongoDB (or FerretDB 1.x, see mongo-support.ts). A record
 * is four kinds of documents, each with one kind of writer, so that no write
 * can undo another:
 *
 * - `lobby_games`: what `create` fixed (name, owner, limits), insert-only;
 * - `lobby_game_states`: the status history, one document per transition,
 *   unique on (game_id, seq). A transition inserts seq + 1 after reading seq
 *   in `expectedFrom`: the unique index lets exactly one of racing callers
 *   in, which is the compare-and-set. The newest state is flagged `current`
 *   and its predecessor unflagged after (by the one writer that superseded
 *   it); a flag left behind by a crash only costs `list` a check;
 * - `lobby_game_snapshots`: the runtime snapshot, replaced whole (one writer:
 *   the gm events worker);
 * - `lobby_game_members`: one document per (game, user), `active` or not.
 *
 * `create` inserts the draft state (seq 0) before the game document, so a
 * crash between the two leaves a state without a game, which reads ignore,
 * and creating the game again completes it.
 */
export class MongoGameStore implements GameStore {
  private readonly games: Collection<GameDocument>;
  private readonly states: Collection<StateDocument>;
  private readonly snapshots: Collection<SnapshotDocument>;
  private readonly members: Collection<MemberDocument>;
  private readonly clock: Clock;

  constructor(db: Db, { clock }: { clock: Clock }) {
    if (!db) throw new Error("new mongo game store: no database handle");
    if (!clock) throw new Error("new mongo game store: no clock");
    this.games = db.collection("lobby_games");
    this.states = db.collection("lobby_game_states");
    this.snapshots = db.collection("lobby_game_snapshots");
    this.members = db.collection("lobby_game_members");
    this.clock = clock;
  }

  async init(): Promise<void> {
    await ensureIndexes(this.games, [{ key: { game_id: 1 }, name: "game_id_unique", unique: true }]);
    await ensureIndexes(this.states, [
      { key: { game_id: 1, seq: 1 }, name: "game_id_seq_unique", unique: true },
      { key: { status: 1, current: 1, game_id: 1 }, name: "status_current_game_id" },
    ]);
    await ensureIndexes(this.snapshots, [{ key: { game_id: 1 }, name: "game_id_unique", unique: true }]);
    await ensureIndexes(this.members, [{ key: { game_id: 1, user_id: 1 }, name: "game_id_user_id_unique", unique: true }]);
  }

  async create(input: CreateGameInput): Promise<GameRecord> {
    const game = parseCreateGame(input, this.clock);
    const created = new Date(game.created_at);
    // Not inserted: the game exists (refused below), or a create crashed after this insert (completed below).
    await insertUnique("create game", this.states, {
      game_id: game.game_id,
      seq: 0,
      status: "draft",
      from_status: null,
      trigger: null,
      at: created,
      started_at: null,
      finished_at: null,
      current: true,
    });
    const inserted = await insertUnique("create game", this.games, { ...game, created_at: created });
    if (!inserted) throw new ConflictError(`game ${game.game_id} already exists`);
    return (await this.get(game.game_id))!;
  }

  async get(gameId: string): Promise<GameRecord | null> {
    const [record] = await this.load([toGameId(gameId)]);
    return record ?? null;
  }

  async list(options?: GameListOptions): Promise<GameRecordPage> {
    const { status, after, limit } = parseListOptions(options);
    if (status === undefined) {
      const ids = await guardMongo("list games", () =>
        this.games.find({ game_id: { $gt: after } }, { projection: { game_id: 1 } }).sort({ game_id: 1 }).limit(limit + 1).toArray(),
      );
      return toPage(await this.load(ids.map((d) => d.game_id)), limit);
    }
    // Candidates from the `current` flags, confirmed against each game's newest state.
    const found: GameRecord[] = [];
    let cursor = after;
    while (found.length <= limit) {
      const batch = await guardMongo("list games", () =>
        this.states
          .find({ status, current: true, game_id: { $gt: cursor } }, { projection: { game_id: 1 } })
          .sort({ game_id: 1 })
          .limit(limit + 1)
          .toArray(),
      );
      if (batch.length === 0) break;
      cursor = batch.at(-1)!.game_id;
      const records = await this.load([...new Set(batch.map((d) => d.game_id))]);
      found.push(...records.filter((r) => r.status === status));
      if (batch.length <= limit) break;
    }
    return toPage(found, limit);
  }

  async addMember(gameId: string, userId: string, at: number): Promise<boolean> {
    const input = parseMember(gameId, userId, at);
    await this.mustExist(input.gameId);
    const when = new Date(input.at);
    if (await insertUnique("add member", this.members, { game_id: input.gameId, user_id: input.userId, active: true, joined_at: when, changed_at: when })) {
      return true;
    }
    const { modifiedCount } = await guardMongo("add member", () =>
      this.members.updateOne({ game_id: input.gameId, user_id: input.userId, active: false }, { $set: { active: true, joined_at: when, changed_at: when } }),
    );
    return modifiedCount > 0;
  }

  async removeMember(gameId: string, userId: string, at: number): Promise<boolean> {
    const input = parseMember(gameId, userId, at);
    await this.mustExist(input.gameId);
    const { modifiedCount } = await guardMongo("remove member", () =>
      this.members.updateOne({ game_id: input.gameId, user_id: input.userId, active: true }, { $set: { active: false, changed_at: new Date(input.at) } }),
    );
    return modifiedCount > 0;
  }

  async updateStatus(input: UpdateStatusInput): Promise<void> {
    const { gameId, expectedFrom, to, trigger, at } = parseUpdateStatus(input);
    await this.mustExist(gameId);
    const latest = await guardMongo("update game status", () => this.states.find({ game_id: gameId }).sort({ seq: -1 }).limit(1).next());
    const current = latest ?? { seq: -1, status: "draft" as GameStatus, started_at: null, finished_at: null };
    if (current.status !== expectedFrom) throw new ConflictError(`game ${gameId} is ${current.status}, not ${expectedFrom}`);
    const when = new Date(at);
    const won = await insertUnique("update game status", this.states, {
      game_id: gameId,
      seq: current.seq + 1,
      status: to,
      from_status: expectedFrom,
      trigger,
      at: when,
      started_at: to === "running" ? (current.started_at ?? when) : current.started_at,
      finished_at: to === "finished" ? when : current.finished_at,
      current: true,
    });
    if (!won) throw new ConflictError(`game ${gameId} left ${expectedFrom} concurrently`);
    // Only this writer superseded that state; a failure here leaves a stale flag that `list` checks anyway.
    await this.states.updateOne({ game_id: gameId, seq: current.seq }, { $set: { current: false } }).catch(() => {});
  }

  async updateRuntimeSnapshot(gameId: string, snapshot: RuntimeSnapshotInput, at: number): Promise<void> {
    const input = parseSnapshot(gameId, snapshot, at);
    await this.mustExist(input.gameId);
    const doc: SnapshotDocument = { game_id: input.gameId, ...input.snapshot, updated_at: new Date(input.at) };
    await guardMongo("update runtime snapshot", async () => {
      try {
        await this.snapshots.replaceOne({ game_id: input.gameId }, doc, { upsert: true });
      } catch (error) {
        // Two first writes raced to insert; the document exists now, so replace it.
        if (!isDuplicateKey(error)) throw error;
        await this.snapshots.replaceOne({ game_id: input.gameId }, doc);
      }
    });
  }

  private async mustExist(gameId: string): Promise<void> {
    const game = await guardMongo("load game", () => this.games.findOne({ game_id: gameId }, { projection: { _id: 1 } }));
    if (!game) throw new NotFoundError(`game ${gameId} not found`);
  }

  /** The records of `gameIds` that exist, in id order, from four queries. */
  private async load(gameIds: string[]): Promise<GameRecord[]> {
    if (gameIds.length === 0) return [];
    const filter = { game_id: { $in: gameIds } };
    const [games, states, snapshots, members] = await guardMongo("load games", () =>
      Promise.all([
        this.games.find(filter, { projection: { _id: 0 } }).toArray(),
        this.states.find({ ...filter, current: true }, { projection: { _id: 0 } }).toArray(),
        this.snapshots.find(filter, { projection: { _id: 0 } }).toArray(),
        this.members.find(filter, { projection: { _id: 0 } }).toArray(),
      ]),
    );
    return games
      .sort((a, b) => (a.game_id < b.game_id ? -1 : a.game_id > b.game_id ? 1 : 0))
      .map((game) =>
        toRecord(
          game,
          states.filter((s) => s.game_id === game.game_id),
          snapshots.find((s) => s.game_id === game.game_id),
          members.filter((m) => m.game_id === game.game_id),
        ),
      );
  }
}
