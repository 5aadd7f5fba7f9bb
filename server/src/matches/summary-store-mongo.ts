import type { MatchSummary, MatchSummaryPage, RoundStat } from "@gamejournal/shared";
import type { Collection, Db, Filter } from "mongodb";
import { ensureIndexes, escapeKey, mapKeys, unescapeKey, upsertUnlessNewer } from "./mongo-support.ts";
import { parseListOptions, parseSummary, toPage, type MatchSummaryListOptions, type MatchSummaryStore } from "./summary-store.ts";

/** A summary as stored: the seed's bson names, dates as BSON dates, map keys escaped. */
interface SummaryDocument extends Omit<MatchSummary, "created_at" | "updated_at"> {
  created_at: Date;
  updated_at: Date;
}

/**
 * `MatchSummaryStore` on MongoDB (or FerretDB), one document a match in
 * `collection` (default `match_summaries`). The guarantees are the port's;
 * here "newer wins" is an upsert guarded by `updated_at` (see
 * `upsertUnlessNewer`), and `created_at` is only ever set on insert.
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
    ]);
  }

  async store(input: MatchSummary): Promise<boolean> {
    const { created_at, updated_at, per_round_stats, final_round_scores, ...rest } = parseSummary(input);
    return upsertUnlessNewer(this.summaries, rest.match_id, "updated_at", new Date(updated_at), {
      $set: {
        ...rest,
        per_round_stats: mapKeys(per_round_stats, escapeKey),
        final_round_scores: mapKeys(final_round_scores, escapeKey),
        updated_at: new Date(updated_at),
      },
      $setOnInsert: { created_at: new Date(created_at) },
    });
  }

  async get(matchId: string): Promise<MatchSummary | null> {
    const doc = await this.summaries.findOne({ match_id: matchId }, { projection: { _id: 0 } });
    return doc ? fromDocument(doc) : null;
  }

  async list(options?: MatchSummaryListOptions): Promise<MatchSummaryPage> {
    const { playerId, from, to, limit, after } = parseListOptions(options);
    const and: Filter<SummaryDocument>[] = [];
    if (playerId !== undefined) and.push({ players: playerId });
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
}

function fromDocument(doc: SummaryDocument): MatchSummary {
  const { created_at, updated_at, per_round_stats, final_round_scores, ...rest } = doc;
  return {
    ...rest,
    per_round_stats: mapKeys<RoundStat[]>(per_round_stats, unescapeKey),
    final_round_scores: mapKeys<number>(final_round_scores, unescapeKey),
    created_at: created_at.toISOString(),
    updated_at: updated_at.toISOString(),
  };
}
