/**
 * Match summarization is split into `count` partitions by a hash of the
 * match id, each folded by one instance at a time (see worker.ts). The hash
 * (FNV-1a, 32 bits, over the id's UTF-16 code units) is fixed: every
 * instance and every version must route a match to the same partition, or
 * two instances would fold it at once.
 */
export function partitionOf(matchId: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error(`partition of a match: count must be a positive integer, got ${count}`);
  let hash = 0x811c9dc5;
  for (let i = 0; i < matchId.length; i++) {
    hash ^= matchId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/**
 * The consumer group of partition `index` of `count`. One partition keeps
 * the original name (`match-summaries`). With more, the count is part of the
 * name: changing MATCH_PARTITIONS starts new groups that read the streams
 * from their start (checkpoints and stored summaries make that re-read
 * change nothing), rather than reuse a group whose position skipped, as
 * another partition's, entries that are now this one's.
 */
export function partitionGroup(base: string, index: number, count: number): string {
  return count === 1 ? base : `${base}-p${index}of${count}`;
}
