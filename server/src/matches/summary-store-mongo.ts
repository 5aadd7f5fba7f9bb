import type { AbandonCountList, MatchSummary, MatchSummaryPage, PlayerMatchPage, RoundStat } from "@gamejournal/shared";
import { MongoServerError, type Collection, type Db, type Filter } from "mongodb";
import { ensureIndexes, escapeKey, mapKeys, unescapeKey, upsertUnlessNewer } from "./mongo-support.ts";
import { labelKeys, withRound2Defaults } from "./summary-lines.ts";
import {
  parseAbandonOptions,
  parseListOptions,
  parseSummary,
  playerMatchesOf,
  rankAbandons,
  toPage,
  type AbandonCountOptions,
  type MatchSummaryListOptions,
  type MatchSummaryStore,
} from "./summary-store.ts";

/**
 * A summary as stored: the seed's bson names, dates as BSON dates, map keys
 * escaped, and `list_keys` (map and match type from the label, for the list
 * filters), which reads leave out.
 */
interface SummaryDocument extends Omit<MatchSummary, "created_at" | "updated_at"> {
  created_at: Date;
  updated_at: Date;
  list_keys: { map_name: string; match_type: string };
}

/**
 * `MatchSummaryStore` on MongoDB (or FerretDB), one document a match in
 * `collection` (default `match_summaries`). The guarantees are the port's;
 * here "newer wins" is an upsert guarded by `updated_at` (see
 * `upsertUnlessNewer`), and `created_at` is only ever set on insert.
 * `replace` is `replaceOne` filtered on the `updated_at` read (or an insert
 * that the unique index refuses when a summary appeared meanwhile).
 */
export class MongoMatchSummaryStore implements MatchSummaryStore {
  private readonly summaries: Collection<SummaryDocument>;

  constructor(db: Db, { collection = "match_summaries" }: { collection?: string } = {}) {
    if (!db) throw new Error("new mongo match summary store: no database handle");
    this.summaries = db.collection<SummaryDocument>(collection);
  }

  async init(): Promise<void> {
    await ensureIndexes(this.summaries, [
      { key: { match_id: 1 }, name: "match_id_unique", unique: true },
      { key: { players: 1, created_at: -1 }, name: "players_created_at" },
      { key: { created_at: -1 }, name: "created_at" },
      { key: { "list_keys.map_name": 1, created_at: -1 }, name: "map_created_at" },
      { key: { "list_keys.match_type": 1, created_at: -1 }, name: "match_type_created_at" },
      { key: { "participants.state": 1, created_at: -1 }, name: "participant_state_created_at" },
    ]);
  }

  async store(input: MatchSummary): Promise<boolean> {
    const { created_at, ...rest } = toDocument(parseSummary(input));
    return upsertUnlessNewer(this.summaries, rest.match_id, "updated_at", rest.updated_at, { $set: rest, $setOnInsert: { created_at } });
  }

  async replace(input: MatchSummary, expected: string | null): Promise<boolean> {
    const doc = toDocument(parseSummary(input));
    if (expected !== null) {
      const { matchedCount } = await this.summaries.replaceOne({ match_id: doc.match_id, updated_at: new Date(expected) }, doc);
      return matchedCount === 1;
    }
    try {
      await this.summaries.insertOne(doc);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async get(matchId: string): Promise<MatchSummary | null> {
    const doc = await this.summaries.findOne({ match_id: matchId }, { projection: { _id: 0 } });
    return doc ? fromDocument(doc) : null;
  }

  async list(options?: MatchSummaryListOptions): Promise<MatchSummaryPage> {
    const { playerId, map, matchType, from, to, limit, after } = parseListOptions(options);
    const and: Filter<SummaryDocument>[] = [];
    if (playerId !== undefined) and.push({ players: playerId });
    if (map !== undefined) and.push({ "list_keys.map_name": map });
    if (matchType !== undefined) and.push({ "list_keys.match_type": matchType });
    if (from !== undefined) and.push({ created_at: { $gte: new Date(from) } });
    if (to !== undefined) and.push({ created_at: { $lt: new Date(to) } });
    if (after) {
      const at = new Date(after.created_at);
      and.push({ $or: [{ created_at: { $lt: at } }, { created_at: at, match_id: { $lt: after.match_id } }] });
    }
    const docs = await this.summaries
      .find(and.length > 0 ? { $and: and } : {}, { projection: { _id: 0 } })
      .sort({ created_at: -1, match_id: -1 })
      .limit(limit + 1)
      .toArray();
    return toPage(docs.map(fromDocument), limit);
  }

  playerMatches(playerId: string, options?: Omit<MatchSummaryListOptions, "playerId">): Promise<PlayerMatchPage> {
    return playerMatchesOf(this, playerId, options);
  }

  /**
   * Two aggregations FerretDB 1.x can run ($match, $unwind, $group with
   * $sum: 1): participations per (player, name, state), then matches played
   * per player listed; names and ranks are settled here.
   */
  async abandonCounts(options?: AbandonCountOptions): Promise<AbandonCountList> {
    const { playerId, from, to, limit } = parseAbandonOptions(options);
    const period = { created_at: { $gte: new Date(from), $lt: new Date(to) } };
    const which = playerId === undefined ? { "participants.state": "abandoned" } : { "participants.player_id": playerId };
    const groups = await this.summaries
      .aggregate<{ _id: { player_id: string; display_name: string; state: string }; n: number }>([
        { $match: { ...period, ...which } },
        { $unwind: "$participants" },
        { $match: which },
        { $group: { _id: { player_id: "$participants.player_id", display_name: "$participants.display_name", state: "$participants.state" }, n: { $sum: 1 } } },
      ])
      .toArray();
    const byPlayer = new Map<string, { player_id: string; display_name: string; abandoned: number; matches: number; anyName: string }>();
    for (const { _id, n } of groups) {
      const item = byPlayer.get(_id.player_id) ?? { player_id: _id.player_id, display_name: "", abandoned: 0, matches: 0, anyName: "" };
      if (_id.state === "abandoned") {
        item.abandoned += n;
        if (_id.display_name > item.display_name) item.display_name = _id.display_name;
      }
      if (_id.display_name > item.anyName) item.anyName = _id.display_name;
      byPlayer.set(_id.player_id, item);
    }
    if (playerId !== undefined && !byPlayer.has(playerId)) byPlayer.set(playerId, { player_id: playerId, display_name: "", abandoned: 0, matches: 0, anyName: "" });
    const ranked = rankAbandons(
      [...byPlayer.values()].map(({ anyName, ...item }) => ({ ...item, display_name: item.abandoned > 0 ? item.display_name : anyName })),
      limit,
    );
    const ids = ranked.items.map((i) => i.player_id);
    if (ids.length === 0) return ranked;
    const played = await this.summaries
      .aggregate<{ _id: string; n: number }>([
        { $match: { ...period, players: { $in: ids } } },
        { $unwind: "$players" },
        { $match: { players: { $in: ids } } },
        { $group: { _id: "$players", n: { $sum: 1 } } },
      ])
      .toArray();
    const matches = new Map(played.map((p) => [p._id, p.n]));
    for (const item of ranked.items) item.matches = matches.get(item.player_id) ?? 0;
    return ranked;
  }
}

function toDocument(summary: MatchSummary): SummaryDocument {
  const { created_at, updated_at, per_round_stats, final_round_scores, ...rest } = summary;
  return {
    ...rest,
    per_round_stats: mapKeys(per_round_stats, escapeKey),
    final_round_scores: mapKeys(final_round_scores, escapeKey),
    created_at: new Date(created_at),
    updated_at: new Date(updated_at),
    list_keys: labelKeys(summary.match_label),
  };
}

function fromDocument(doc: SummaryDocument): MatchSummary {
  const { created_at, updated_at, per_round_stats, final_round_scores, list_keys: _keys, ...rest } = doc;
  return withRound2Defaults({
    ...rest,
    per_round_stats: mapKeys<RoundStat[]>(per_round_stats, unescapeKey),
    final_round_scores: mapKeys<number>(final_round_scores, unescapeKey),
    created_at: created_at.toISOString(),
    updated_at: updated_at.toISOString(),
  });
}
