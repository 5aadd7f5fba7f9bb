import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { GameView } from "@gamejournal/shared";
import { openBrowser, type Browser } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/**
 * The console's game rooms section in a real headless Chromium against a real
 * server in AUTH_MODE=token: a two-seat room made and played over REST with an
 * ingest token and the seat tokens `join` returned; the console lists it,
 * draws its board as a spectator sees it and follows it live, steps through
 * its log, and replays it. Screenshots land in test/artifacts/.
 */

const SECRET = "console-games-test-secret-of-32-chars!";
const gameId = `console-room-${crypto.randomUUID().slice(0, 8)}`;
let server: TestServer;
let browser: Browser;
let admin: string;
const seat: Record<"ann" | "bob", string> = { ann: "", bob: "" };
let commands = 0;

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

/** A command of a seat, which must be accepted. */
async function play(who: "ann" | "bob", command: Record<string, unknown>): Promise<void> {
  const res = await call("POST", `/api/games/${gameId}/commands`, { commandId: `${who}-${++commands}`, ...command }, seat[who]);
  expect(res).toMatchObject({ status: 200, body: { success: true } });
}

/** The state a spectator gets from the server (no token). */
async function spectatorView(): Promise<GameView> {
  return (await call("GET", `/api/games/${gameId}`)).body as GameView;
}

/** The state view the page folded for the version it shows. */
async function pageView(): Promise<GameView> {
  return JSON.parse((await browser.page.textContent("pre.view-json"))!) as GameView;
}

const position = (text: string) => browser.page.waitForFunction((t) => document.querySelector(".position")?.textContent?.startsWith(t), text);

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
  admin = await server.services.auth.sign("console-operator", { scopes: ["admin"], ttlSeconds: 3600 });
  const ingest = await server.services.auth.sign("game-service", { scopes: ["ingest"], ttlSeconds: 3600 });
  expect((await call("POST", "/api/games", { gameId, numPlayers: 2, seed: "console" }, ingest)).status).toBe(201);
  for (const name of ["ann", "bob"] as const) {
    const joined = await call("POST", `/api/games/${gameId}/join`, { name }, ingest);
    expect(joined.body).toMatchObject({ success: true, playerId: name === "ann" ? 1 : 2 });
    seat[name] = joined.body.token;
  }
  // Each plays their spice card: 4 events of the lobby and the deal, then 2 per turn.
  for (const who of ["ann", "bob"] as const) {
    const mine = (await call("GET", `/api/games/${gameId}`, undefined, seat[who])).body as GameView;
    const card = mine.players.find((p) => p.hand)!.hand!.find((c) => c.kind === "spice")!;
    await play(who, { type: "playCard", cardId: card.id });
  }
  expect((await spectatorView()).version).toBe(8);
  browser = await openBrowser(server.url);
}, 60_000);

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]();
  await server?.[Symbol.asyncDispose]();
});

describe("the console's game rooms in Chromium (AUTH_MODE=token)", () => {
  test("lists the open room with its status, players and version", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console#/games`);
    await page.fill("input[name=token]", admin);
    await page.click("form.login button");
    await page.waitForSelector("nav a[data-section=games].active");
    const row = `tr[data-game="${gameId}"]`;
    await page.waitForSelector(row);
    expect(await page.textContent(`${row} td.version`)).toBe("8");
    const text = (await page.textContent(row))!;
    for (const part of ["playing", "2 / 2", "ann, bob"]) expect(text).toContain(part);
    await browser.screenshot("console-games");
  });

  test("draws the board as a spectator sees it and updates it live when a command is played", async () => {
    const { page } = browser;
    await page.click(`a[href="#/games/${gameId}"]`);
    await page.waitForFunction(() => document.querySelector("h2 .state")?.textContent === "live");
    await position("version 8 of 8");
    expect(await pageView()).toEqual(await spectatorView());
    expect(await page.textContent("tr.player.current")).toContain("ann");
    const before = await spectatorView();

    await play("ann", { type: "acquire", index: 0 });
    await position("version 10 of 10");
    expect(await pageView()).toEqual(await spectatorView());
    expect(await page.textContent("tr.player[data-player='1'] td.hand")).toBe("2");
    expect(await page.textContent(".merchants .gcard[data-slot='0']")).toContain(before.merchants[1]!.card.id);
    expect(await page.textContent("tr.player.current")).toContain("bob");
    expect(await page.textContent(".event-line")).toContain("#10 TurnEnded");
    await browser.screenshot("console-game-room");
  });

  test("steps through the log event by event, and stays where it was while new events arrive", async () => {
    const { page } = browser;
    await page.focus("input[name=step]");
    await page.keyboard.press("Home");
    await position("version 0 of 10");
    expect(await page.textContent(".event-line")).toBe("before the first event");
    await page.keyboard.press("ArrowRight");
    await position("version 1 of 10");
    expect(await page.textContent(".event-line")).toContain("#1 GameCreated");
    await page.click("button[name=next]");
    await position("version 2 of 10");
    expect(await page.textContent(".event-line")).toBe("#2 PlayerJoined ann took seat 1");
    expect(await page.textContent(".event-json")).toContain('"eventId": 2');
    await page.click("button[name=next]");
    await page.click("button[name=next]");
    await position("version 4 of 10");
    expect(await page.textContent(".event-line")).toContain("#4 GameStarted");
    const started = await pageView();
    expect(started).toMatchObject({ status: "playing", version: 4, currentPlayer: 1 });
    expect(started.players.map((p) => p.handCount)).toEqual([2, 2]);
    expect(await page.textContent(".board .version")).toBe("4");

    // Bob takes his card back: the log grows, the board stays at version 4 until asked for the newest.
    await play("bob", { type: "rest" });
    await position("version 4 of 12");
    expect(await page.textContent(".position")).toContain("stepping back");
    expect(await page.textContent(".board .version")).toBe("4");
    await page.click("button[name=live]");
    await position("version 12 of 12");
    expect(await page.textContent(".event-line")).toContain("#12 TurnEnded");
    expect(await pageView()).toEqual(await spectatorView());
  });

  test("replays the room on the server and shows the report: version, events, digest, snapshot check", async () => {
    const { page } = browser;
    await page.click("button[name=replay]");
    await page.waitForSelector(".replay code.digest");
    const report = (await call("POST", `/api/games/${gameId}/replay`, undefined, admin)).body as { digest: string; version: number };
    expect(report.version).toBe(12);
    expect(await page.textContent(".replay code.digest")).toBe(report.digest);
    const text = (await page.textContent(".replay"))!;
    for (const part of ["version12", "events12", "none yet"]) expect(text).toContain(part);
    await page.locator(".replay").scrollIntoViewIfNeeded();
    await browser.screenshot("console-game-replay");
  });

  test("loaded nothing from another host and raised no error", () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
