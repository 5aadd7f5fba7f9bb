import { ValidationError } from "../errors.ts";

/**
 * Journal entry ids are Redis stream ids, `<ms>-<seq>` (DESIGN.md), compared
 * as two unsigned integers of any size.
 */

const ENTRY_ID = /^(\d+)-(\d+)$/;

function parts(id: string): [string, string] {
  const match = ENTRY_ID.exec(id);
  if (!match) throw new ValidationError(`journal entry id must look like <ms>-<seq>, got "${id}"`, "id");
  return [match[1]!.replace(/^0+(?=\d)/, ""), match[2]!.replace(/^0+(?=\d)/, "")];
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive as `a` comes before, equals or comes after `b`; throws ValidationError on a malformed id. */
export function compareEntryIds(a: string, b: string): number {
  const [msA, seqA] = parts(a);
  const [msB, seqB] = parts(b);
  return compareDigits(msA, msB) || compareDigits(seqA, seqB);
}

/** The journal time (epoch ms) an entry id carries. */
export function entryIdTime(id: string): number {
  return Number(parts(id)[0]);
}
