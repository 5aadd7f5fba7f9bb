import { SPICES, type Caravan, type Spice, type Spices } from "@gamejournal/shared";

/** Spice arithmetic on full counts. Every function returns a new object. */

export const EMPTY: Readonly<Caravan> = Object.freeze({ yellow: 0, red: 0, green: 0, brown: 0 });

export const full = (s: Spices | undefined): Caravan => ({
  yellow: s?.yellow ?? 0,
  red: s?.red ?? 0,
  green: s?.green ?? 0,
  brown: s?.brown ?? 0,
});

/** Only the colours with a count, for compact card data. */
export const sparse = (c: Spices): Spices => {
  const out: Spices = {};
  for (const s of SPICES) if ((c[s] ?? 0) > 0) out[s] = c[s];
  return out;
};

export const total = (s: Spices): number => (s.yellow ?? 0) + (s.red ?? 0) + (s.green ?? 0) + (s.brown ?? 0);

export const add = (a: Spices, b: Spices, times = 1): Caravan => ({
  yellow: (a.yellow ?? 0) + (b.yellow ?? 0) * times,
  red: (a.red ?? 0) + (b.red ?? 0) * times,
  green: (a.green ?? 0) + (b.green ?? 0) * times,
  brown: (a.brown ?? 0) + (b.brown ?? 0) * times,
});

export const subtract = (a: Spices, b: Spices, times = 1): Caravan => add(a, b, -times);

/** Whether `have` holds at least `need` × `times` of every colour. */
export const covers = (have: Spices, need: Spices, times = 1): boolean =>
  SPICES.every((s) => (have[s] ?? 0) >= (need[s] ?? 0) * times);

/** How many times `need` can be paid from `have` (Infinity for an empty cost). */
export const timesAffordable = (have: Spices, need: Spices): number => {
  let n = Infinity;
  for (const s of SPICES) {
    const k = need[s] ?? 0;
    if (k > 0) n = Math.min(n, Math.floor((have[s] ?? 0) / k));
  }
  return n;
};

export const one = (spice: Spice, n = 1): Caravan => ({ ...EMPTY, [spice]: n });

/** A list of single spices as counts: `["yellow", "yellow", "red"]` → `{yellow: 2, red: 1, ...}`. */
export const countOf = (list: readonly Spice[]): Caravan => {
  const c = { ...EMPTY };
  for (const s of list) c[s] += 1;
  return c;
};

/** The next spice up, or null for brown. */
export const above = (spice: Spice): Spice | null => SPICES[SPICES.indexOf(spice) + 1] ?? null;

/** The caravan's spices as a list, lowest first: what an automatic payment or discard takes first. */
export const lowestFirst = (c: Spices): Spice[] => SPICES.flatMap((s) => Array<Spice>(c[s] ?? 0).fill(s));

/** The `n` lowest spices of `c`, as counts. */
export const lowest = (c: Spices, n: number): Caravan => countOf(lowestFirst(c).slice(0, Math.max(0, n)));

export const describe = (s: Spices): string => {
  const parts = SPICES.filter((k) => (s[k] ?? 0) > 0).map((k) => `${s[k]} ${k}`);
  return parts.length === 0 ? "nothing" : parts.join(", ");
};
