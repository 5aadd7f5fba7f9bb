import type { Caravan, MerchantCard, PointCard, Spice } from "@gamejournal/shared";
import { countOf, sparse } from "./spices.ts";

/**
 * The card data of Century: Spice Road (see the project's CENTURY.md), in a
 * compact notation: one letter per spice (Y yellow, R red, G green, B brown),
 * `cost>gain` for a trade. Ids are stable: a game's log names cards by id, so
 * the order of these lists must never change.
 */

const LETTERS: Record<string, Spice> = { Y: "yellow", R: "red", G: "green", B: "brown" };

/** `"YYR"` → `{yellow: 2, red: 1}`. */
export function spicesOf(letters: string) {
  const list = [...letters].map((l) => {
    const spice = LETTERS[l];
    if (!spice) throw new Error(`cards: unknown spice letter "${l}" in "${letters}"`);
    return spice;
  });
  return sparse(countOf(list));
}

/** The 8 spice cards of the merchant deck (the starting "YY" is not among them). */
export const SPICE_CARDS = ["YYY", "YYYY", "YR", "YYR", "RR", "G", "YG", "B"] as const;
/** The upgrade cards of the merchant deck, by steps (the starting "Upgrade 2" is not among them). */
export const UPGRADE_CARDS = [3] as const;
/** The 34 trade cards, `cost>gain`. */
export const TRADE_CARDS = [
  "YY>RR", "YY>G", "YYY>RRR", "YYY>RG", "YYY>B", "YYYY>GG", "YYYY>GB", "YYYYY>GGG", "YYYYY>BB",
  "R>YYY", "RY>B", "RR>GYYY", "RR>GG", "RR>BYY", "RRR>GGYY", "RRR>GGG", "RRR>BGY", "RRR>BB",
  "G>RYYYY", "G>RR", "G>RRY", "GYY>BB", "GG>RRRYY", "GG>BRYY", "GG>BRR", "GG>BB", "GGG>BBB",
  "B>GG", "B>RRYY", "B>RRR", "B>GYYY", "B>GRY", "BB>GGRRR", "BB>GGGRY",
] as const;

/** The 36 point cards as [points, cost]. */
export const POINT_CARD_DATA: ReadonlyArray<readonly [number, string]> = [
  [6, "YYRR"], [7, "YYYRR"],
  [8, "RRRR"], [8, "YYGG"], [8, "YYRRR"],
  [9, "YYYGG"], [9, "YYRB"],
  [10, "RRGG"], [10, "RRRRR"], [10, "YYBB"],
  [11, "YYGGG"], [11, "YYYBB"],
  [12, "GGGG"], [12, "RRBB"], [12, "RRRGG"], [12, "RRGB"], [12, "YGGB"], [12, "YRGB"],
  [13, "RRGGG"], [13, "YYRRGG"],
  [14, "GGBB"], [14, "RRRBB"], [14, "YYBBB"], [14, "YYYRGB"],
  [15, "GGGGG"], [15, "YYRRBB"],
  [16, "BBBB"], [16, "RRBBB"], [16, "YRRRGB"],
  [17, "GGGBB"], [17, "YYGGBB"],
  [18, "GGBBB"], [18, "YRGGGB"],
  [19, "RRGGBB"],
  [20, "BBBBB"], [20, "YRGBBB"],
];

const pad = (n: number) => String(n).padStart(2, "0");
const freeze = <T extends object>(card: T): T => {
  for (const value of Object.values(card)) if (value && typeof value === "object") Object.freeze(value);
  return Object.freeze(card);
};

/** The 43 merchant cards, ids `m01`…`m43`: spice cards, then the upgrade, then the trades. */
export const MERCHANT_CARDS: readonly MerchantCard[] = Object.freeze([
  ...SPICE_CARDS.map((g) => ({ kind: "spice" as const, gain: spicesOf(g) })),
  ...UPGRADE_CARDS.map((steps) => ({ kind: "upgrade" as const, steps })),
  ...TRADE_CARDS.map((t) => {
    const [cost, gain] = t.split(">") as [string, string];
    return { kind: "trade" as const, cost: spicesOf(cost), gain: spicesOf(gain) };
  }),
].map((card, i) => freeze({ id: `m${pad(i + 1)}`, ...card })));

/** The 36 point cards, ids `p01`…`p36`. */
export const POINT_CARDS: readonly PointCard[] = Object.freeze(
  POINT_CARD_DATA.map(([points, cost], i) => freeze({ id: `p${pad(i + 1)}`, points, cost: spicesOf(cost) })),
);

const merchantById = new Map(MERCHANT_CARDS.map((c) => [c.id, c]));
const pointById = new Map(POINT_CARDS.map((c) => [c.id, c]));

/** Each player's two starting cards, one instance per seat: "YY" and "Upgrade 2". */
export function startingHand(seat: number): MerchantCard[] {
  return [
    freeze({ id: `start${seat}-yy`, kind: "spice" as const, gain: spicesOf("YY") }),
    freeze({ id: `start${seat}-up2`, kind: "upgrade" as const, steps: 2 }),
  ];
}

/** A merchant card (deck or starting card) by id; undefined for an unknown id. */
export function merchantCard(id: string): MerchantCard | undefined {
  const card = merchantById.get(id);
  if (card) return card;
  const m = /^start([1-9])-(yy|up2)$/.exec(id);
  return m ? startingHand(Number(m[1]))[m[2] === "yy" ? 0 : 1] : undefined;
}

export function pointCard(id: string): PointCard | undefined {
  return pointById.get(id);
}

/** Starting caravans by seat (1-based): 1st YYY; 2nd and 3rd YYYY; 4th and 5th YYY+R. */
export function startingCaravan(seat: number): Caravan {
  if (seat === 1) return { yellow: 3, red: 0, green: 0, brown: 0 };
  if (seat <= 3) return { yellow: 4, red: 0, green: 0, brown: 0 };
  return { yellow: 3, red: 1, green: 0, brown: 0 };
}

/** Merchant cards in the face-up row at the start. */
export const MERCHANT_ROW_SIZE = 6;
/** Point cards in the face-up row at the start. */
export const POINT_ROW_SIZE = 5;
