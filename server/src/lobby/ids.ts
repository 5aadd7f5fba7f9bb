import { ValidationError } from "../errors.ts";
import type { Clock } from "../platform/clock.ts";

/**
 * Identifiers of the lobby, opaque and never trimmed or rewritten. A game id
 * is `game-` followed by 1 to 64 letters, digits, `_` or `-` (the lobby makes
 * `game-<ULID>`); a user id is 1 to 128 characters with no whitespace or
 * control character (the lobby service's examples are `user-…`).
 */

const GAME_ID = /^game-[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const USER_ID = /^[^\s\u0000-\u001f\u007f]{1,128}$/;

export function isGameId(value: unknown): value is string {
  return typeof value === "string" && GAME_ID.test(value);
}

export function isUserId(value: unknown): value is string {
  return typeof value === "string" && USER_ID.test(value);
}

/** `value` when it is a game id; else a ValidationError naming `field`. */
export function toGameId(value: unknown, field = "game_id"): string {
  if (!isGameId(value)) {
    throw new ValidationError(`${field}: expected "game-" followed by 1 to 64 letters, digits, "_" or "-", got ${JSON.stringify(value)}`, field);
  }
  return value;
}

/** `value` when it is a user id; else a ValidationError naming `field`. */
export function toUserId(value: unknown, field = "user_id"): string {
  if (!isUserId(value)) throw new ValidationError(`${field}: expected 1 to 128 characters without whitespace, got ${JSON.stringify(value)}`, field);
  return value;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID (26 characters of Crockford base32): the clock's ms in the first
 * 10, 80 random bits in the last 16. Ids made in one ms are unique (2^80
 * random values) but not ordered among themselves.
 */
export function ulid(clock: Clock, random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  let time = Math.floor(clock.now());
  if (!Number.isSafeInteger(time) || time < 0 || time >= 2 ** 48) throw new RangeError(`ulid: time ${time} out of range`);
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  const bytes = random(new Uint8Array(10));
  let tail = "";
  let bits = 0;
  let buffer = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += CROCKFORD[(buffer >> bits) & 31]!;
    }
    buffer &= (1 << bits) - 1;
  }
  return head + tail;
}

/** A new game id, `game-<ULID>`. */
export function newGameId(clock: Clock): string {
  return `game-${ulid(clock)}`;
}
