import { ErrorReply } from "redis";
import type { RedisClient } from "../backends/redis.ts";
import { sendKeyed } from "../backends/redis-nodes.ts";

/**
 * Lua scripts run atomically by Redis. Sidecar keys (idempotency keys, the
 * stream's meta hash) share the stream's hash slot, so the scripts also run
 * on Redis Cluster.
 */

/**
 * Appends a group of calls (see group-commit.ts), each one or more events
 * on one or more streams, in one script call (on a Redis Cluster, one call
 * per hash slot: see RedisJournal). Redis runs a script whole, so
 * no other command runs between a group's writes. Calls are handled in
 * order, each call's events in order: an event with an idempotency key
 * already present answers `=<first id>` and adds nothing; otherwise the
 * entry is added and the key remembered for the window. A call whose write
 * fails (a key of the wrong type) stops there and answers `!<error>`; the
 * calls before and after it are unaffected. Then, for each stream given a
 * cap that received an entry, the oldest entries beyond it are trimmed exactly and the highest
 * trimmed id is recorded in the meta hash (XTRIM does not maintain
 * max-deleted-entry-id, and resuming readers need it to know what they lost).
 * Each stream's sidecar keys share its hash slot.
 *
 * The events come as one JSON argument, so a client encodes one bulk string
 * per call instead of a dozen arguments per event.
 *
 * KEYS: per stream: stream, meta; then the idempotency keys.
 * ARGV[1]: window ms.
 * ARGV[2]: JSON `[caps, calls]`: `caps[s]` the cap of stream s (0: none);
 *          each call a list of events `[s, k, field, value, ...]`, s the
 *          stream's number (KEYS[2s-1]), k the number of its idempotency
 *          key among the idempotency keys (0: none).
 * Returns per call one string: its ids separated by spaces (`=<id>` for a
 * duplicate), or `!<error>`.
 */
export const APPEND_GROUP_SCRIPT = `
local window = ARGV[1]
local spec = cjson.decode(ARGV[2])
local caps, calls = spec[1], spec[2]
local idembase = 2 * #caps
local added = {}
local function append(events, ids)
  for e = 1, #events do
    local event = events[e]
    local stream = KEYS[2 * event[1] - 1]
    local k = event[2]
    if k > 0 then
      local idem = KEYS[idembase + k]
      local first = redis.call('GET', idem)
      if first then
        ids[e] = '=' .. first
      else
        local id = redis.call('XADD', stream, '*', unpack(event, 3))
        added[event[1]] = true
        redis.call('SET', idem, id, 'PX', window)
        ids[e] = id
      end
    else
      ids[e] = redis.call('XADD', stream, '*', unpack(event, 3))
      added[event[1]] = true
    end
  end
end
local out = {}
for c = 1, #calls do
  local ids = {}
  local ok, err = pcall(append, calls[c], ids)
  if ok then
    out[c] = table.concat(ids, ' ')
  else
    out[c] = '!' .. (type(err) == 'table' and (err.err or err.msg) or tostring(err))
  end
end
for s = 1, #caps do
  local maxlen = caps[s]
  if maxlen > 0 and added[s] then
    local stream = KEYS[2 * s - 1]
    local excess = redis.call('XLEN', stream) - maxlen
    if excess > 0 then
      local victims = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
      local last = victims[#victims][1]
      local ms, seq = string.match(last, '^(%d+)-(%d+)$')
      redis.call('XTRIM', stream, 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
      redis.call('HSET', KEYS[2 * s], 'max_deleted', last)
    end
  end
end
return out
`;

/**
 * Trims a stream below an id (ARGV[1] = 'minid', ARGV[2] = id) or to a
 * length (ARGV[1] = 'maxlen', ARGV[2] = n), recording the highest trimmed id
 * in the meta hash. Returns the number of entries removed.
 * KEYS: stream, meta.
 */
export const TRIM_SCRIPT = `
local stream = KEYS[1]
local victims
if ARGV[1] == 'maxlen' then
  local excess = redis.call('XLEN', stream) - tonumber(ARGV[2])
  if excess <= 0 then return 0 end
  victims = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
else
  victims = redis.call('XRANGE', stream, '-', '(' .. ARGV[2])
end
if #victims == 0 then return 0 end
local last = victims[#victims][1]
local ms, seq = string.match(last, '^(%d+)-(%d+)$')
local removed = redis.call('XTRIM', stream, 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
redis.call('HSET', KEYS[2], 'max_deleted', last)
return removed
`;

/**
 * XRANGE answered as one JSON text (`[[id, [field, value, ...]], ...]`, or
 * `{}` for no entries), encoded by Redis's cjson in C: one bulk string a
 * page instead of a dozen an entry, which the server parses at once
 * (`JSON.parse`) rather than through the client's reply decoder; the
 * replay path of live feeds (see RedisJournal.readRaw). Building each
 * entry's JSON in Lua instead costs Redis twice as much per entry.
 * KEYS: stream. ARGV: start (`(` for exclusive), end, count.
 */
export const READ_ROWS_SCRIPT = `return cjson.encode(redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3]))`;

/** A key beside `stream` in the same cluster slot: `events:rtapi` → `{events:rtapi}:<suffix>`. */
export function sidecarKey(stream: string, suffix: string): string {
  return /\{[^}]+\}/.test(stream) ? `${stream}:${suffix}` : `{${stream}}:${suffix}`;
}

/**
 * Runs a script by its SHA, loading it on first use or after a Redis restart
 * (NOSCRIPT). It is sent to the master of its first key's slot (every key of
 * a script must share that slot on a cluster), and so is the retry.
 */
export class Script {
  private digest: string | undefined;

  constructor(readonly source: string) {}

  /** The script's SHA1, computed on first use (importing the module does no work). */
  get sha(): string {
    return (this.digest ??= new Bun.CryptoHasher("sha1").update(this.source).digest("hex"));
  }

  async run(client: RedisClient, keys: string[], args: string[]): Promise<unknown> {
    if (keys.length === 0) throw new Error("redis script: needs at least one key to be routed by");
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await sendKeyed(client, keys[0]!, ["EVALSHA", this.sha, ...tail]);
    } catch (error) {
      if (error instanceof ErrorReply && error.message.startsWith("NOSCRIPT")) {
        return sendKeyed(client, keys[0]!, ["EVAL", this.source, ...tail]);
      }
      throw error;
    }
  }
}

/**
 * XGROUP CREATE at `$` that also records how many entries the stream has
 * ever had (ENTRIESREAD), so Redis can report the group's lag; created at
 * `$` without it, Redis 7.0 reports lag as nil. Returns 1, or 0 if the group
 * existed. KEYS: stream. ARGV: group.
 */
export const CREATE_GROUP_AT_END_SCRIPT = `
local added = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'entries-added' then added = info[i + 1] end
  end
end
local ok = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '$', 'MKSTREAM', 'ENTRIESREAD', added)
if type(ok) == 'table' and ok.err then
  if string.sub(ok.err, 1, 9) == 'BUSYGROUP' then return 0 end
  return redis.error_reply(ok.err)
end
return 1
`;

/**
 * XGROUP DELCONSUMER unless the consumer has a pending entry, in one step, so
 * no entry is ever dropped with its consumer. Returns 1 (gone) or 0 (kept).
 * KEYS: stream. ARGV: group, consumer.
 */
export const DELETE_CONSUMER_UNLESS_PENDING_SCRIPT = `
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1`;
