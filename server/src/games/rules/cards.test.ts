import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MerchantCardSchema, PointCardSchema, SPICES, type Spices } from "@gamejournal/shared";
import { MERCHANT_CARDS, merchantCard, POINT_CARDS, pointCard, startingCaravan, startingHand } from "./cards.ts";

const VALUE = { yellow: 1, red: 2, green: 3, brown: 4 } as const;
const letters = (s: Spices | undefined) => SPICES.map((k) => "YRGB"[SPICES.indexOf(k)]!.repeat(s?.[k] ?? 0)).join("");

describe("card data (CENTURY.md)", () => {
  test("43 merchant cards: 8 spice, 1 upgrade (3 steps), 34 trade; ids unique and well-formed", () => {
    expect(MERCHANT_CARDS).toHaveLength(43);
    expect(MERCHANT_CARDS.filter((c) => c.kind === "spice")).toHaveLength(8);
    expect(MERCHANT_CARDS.filter((c) => c.kind === "upgrade").map((c) => c.steps)).toEqual([3]);
    expect(MERCHANT_CARDS.filter((c) => c.kind === "trade")).toHaveLength(34);
    expect(new Set(MERCHANT_CARDS.map((c) => c.id)).size).toBe(43);
    for (const card of MERCHANT_CARDS) {
      expect(MerchantCardSchema.parse(card)).toEqual(card);
      if (card.kind === "trade") expect(Object.keys(card.cost!).length).toBeGreaterThan(0);
    }
  });

  test("every trade gains more in value than it costs (a sanity check of the transcription)", () => {
    const value = (s: Spices | undefined) => SPICES.reduce((sum, k) => sum + (s?.[k] ?? 0) * VALUE[k], 0);
    for (const card of MERCHANT_CARDS.filter((c) => c.kind === "trade")) expect(value(card.gain)).toBeGreaterThan(value(card.cost));
  });

  test("36 point cards, each worth the sum of its cost's spice values, +1 for three colours, +2 for four", () => {
    expect(POINT_CARDS).toHaveLength(36);
    expect(new Set(POINT_CARDS.map((c) => c.id)).size).toBe(36);
    for (const card of POINT_CARDS) {
      expect(PointCardSchema.parse(card)).toEqual(card);
      const colours = SPICES.filter((k) => (card.cost[k] ?? 0) > 0).length;
      const sum = SPICES.reduce((s, k) => s + (card.cost[k] ?? 0) * VALUE[k], 0);
      expect({ id: card.id, points: card.points }).toEqual({ id: card.id, points: sum + (colours === 3 ? 1 : colours === 4 ? 2 : 0) });
    }
  });

  test("cards are looked up by id; unknown ids are undefined; card objects are frozen", () => {
    for (const card of MERCHANT_CARDS) expect(merchantCard(card.id)).toBe(card);
    for (const card of POINT_CARDS) expect(pointCard(card.id)).toBe(card);
    expect(merchantCard("start3-up2")).toEqual({ id: "start3-up2", kind: "upgrade", steps: 2 });
    expect(merchantCard("m99")).toBeUndefined();
    expect(pointCard("m01")).toBeUndefined();
    expect(Object.isFrozen(MERCHANT_CARDS[0])).toBe(true);
    expect(Object.isFrozen(MERCHANT_CARDS[0]!.gain)).toBe(true);
  });

  test("starting cards: YY and Upgrade 2, one instance per seat; starting caravans by seat", () => {
    expect(startingHand(1)).toEqual([
      { id: "start1-yy", kind: "spice", gain: { yellow: 2 } },
      { id: "start1-up2", kind: "upgrade", steps: 2 },
    ]);
    const ids = [1, 2, 3, 4, 5].flatMap((s) => startingHand(s).map((c) => c.id));
    expect(new Set(ids).size).toBe(10);
    expect([1, 2, 3, 4, 5].map((s) => startingCaravan(s))).toEqual([
      { yellow: 3, red: 0, green: 0, brown: 0 },
      { yellow: 4, red: 0, green: 0, brown: 0 },
      { yellow: 4, red: 0, green: 0, brown: 0 },
      { yellow: 3, red: 1, green: 0, brown: 0 },
      { yellow: 3, red: 1, green: 0, brown: 0 },
    ]);
  });

  // The project's copy of the rules, when this checkout sits beside it.
  const centuryMd = [join(import.meta.dir, "../../../../../shared/CENTURY.md"), join(import.meta.dir, "../../../../shared/CENTURY.md")].find(existsSync);
  test.skipIf(!centuryMd)("the cards equal the lists in CENTURY.md", () => {
    const text = readFileSync(centuryMd!, "utf8");
    const spiceLine = /Spice cards \(8\): ([^.]+)\./.exec(text)![1]!.split(", ");
    expect(MERCHANT_CARDS.filter((c) => c.kind === "spice").map((c) => letters(c.gain))).toEqual(spiceLine.map((s) => [...s].sort((a, b) => "YRGB".indexOf(a) - "YRGB".indexOf(b)).join("")));
    const tradeText = /Trade cards \(34\), cost → gain:\n([\s\S]+?)\n\n/.exec(text)![1]!;
    const trades = tradeText.replace(/\n/g, " ").split(",").map((t) => t.trim().replace(/\.$/, "")).filter(Boolean);
    const norm = (s: string) => [...s].sort((a, b) => "YRGB".indexOf(a) - "YRGB".indexOf(b)).join("");
    expect(MERCHANT_CARDS.filter((c) => c.kind === "trade").map((c) => `${letters(c.cost)}→${letters(c.gain)}`)).toEqual(
      trades.map((t) => t.split("→").map(norm).join("→")),
    );
    const rows = [...text.matchAll(/^\| (\d+) \| ([A-Z, ]+) \|$/gm)].flatMap(([, points, costs]) => costs!.split(", ").map((cost) => `${points}:${norm(cost)}`));
    expect(POINT_CARDS.map((c) => `${c.points}:${letters(c.cost)}`)).toEqual(rows);
  });
});
