import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { waitFor } from "../harness/index.ts";
import { openBrowser, type Browser } from "../support/browser.ts";
import { deadLetterPurchases } from "../support/dead-letters.ts";
import { MATCH_SESSION, standardMatch } from "../support/match-script.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/**
 * The operator console in a real headless Chromium (Debian's, driven by
 * playwright-core), against a real server in AUTH_MODE=token: sign in with an
 * admin token, watch a stream's tail update live, open a match summary,
 * redrive a dead letter. Screenshots land in test/artifacts/.
 */

const SECRET = "console-test-secret-of-32-characters!";
let server: TestServer;
let browser: Browser;
let admin: string;
let ingest: string;
let matchId: string;

async function post(path: string, body: unknown, token = ingest): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
  admin = await server.services.auth.sign("console-operator", { scopes: ["admin"], ttlSeconds: 3600 });
  ingest = await server.services.auth.sign("game-server", { scopes: ["ingest"], ttlSeconds: 3600 });
  // A finished match, summarised by the built-in worker.
  const session = crypto.randomUUID();
  matchId = `${session}.default-node`;
  for (const { raw } of standardMatch()) {
    const frame = JSON.parse(JSON.stringify(raw).replaceAll(MATCH_SESSION, session));
    expect((await post("/session-events", frame)).status).toBe(200);
  }
  await waitFor("the match summary", async () => (await fetch(`${server.url}/v1/matches/${matchId}`, { headers: { Authorization: `Bearer ${admin}` } })).status === 200, { timeoutMs: 20_000 });
  browser = await openBrowser(server.url);
}, 60_000);

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]();
  await server?.[Symbol.asyncDispose]();
});

describe("the console in Chromium (AUTH_MODE=token)", () => {
  test("refuses a credential without the admin scope, then signs in with an admin token", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    expect(page.url()).toBe(`${server.url}/console`);
    await page.fill("input[name=token]", await server.services.auth.sign("reader", { scopes: ["read"], ttlSeconds: 600 }));
    await page.click("form.login button");
    await page.waitForSelector("form.login p.error");
    await page.fill("input[name=token]", admin);
    await page.click("form.login button");
    await page.waitForSelector("nav a[data-section=health].active");
    await page.waitForSelector(".chart");
    await page.waitForFunction(() => document.querySelectorAll(".chart").length >= 8 && document.querySelector(".badge.ok") !== null);
    // A second sample gives the rates a line.
    await page.waitForTimeout(2500);
    await browser.screenshot("console-health");
  });

  test("tails a stream live: an event appended through the API appears without a reload, and filters hide it", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console#/streams/events:player_actions`);
    await page.waitForFunction(() => document.querySelector(".tail .state")?.textContent === "live");
    const action = `dashed-${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 3; i++) {
      const res = await post("/v1/journal/player-actions", { user_id: `player-${i}`, session_id: "s1", match_id: matchId, action, data: { speed: 7.5 + i } });
      expect(res.status).toBe(200);
    }
    await page.waitForFunction((a) => [...document.querySelectorAll("tr.entry")].filter((r) => r.textContent?.includes(a)).length === 3, action);
    await page.waitForFunction(() => document.querySelector("tr[data-stream='events:player_actions'] td:nth-child(2)")?.textContent !== "0");
    await browser.screenshot("console-streams");
    await page.fill("input[name=user]", "player-1");
    const visible = await page.$$eval("tr.entry", (rows, a) => rows.filter((r) => !(r as HTMLElement).hidden && r.textContent?.includes(a)).length, action);
    expect(visible).toBe(1);
  });

  test("opens a match summary's page: players, rounds and pings", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console#/matches`);
    await page.waitForSelector(`a[href="#/matches/${encodeURIComponent(matchId)}"]`);
    await page.click(`a[href="#/matches/${encodeURIComponent(matchId)}"]`);
    await page.waitForSelector("text=Players");
    const text = (await page.textContent("main"))!;
    for (const name of ["alpha", "bravo", "charlie", "delta"]) expect(text).toContain(name);
    expect(text).toContain("ping min / avg / max");
    expect(await page.$$eval("h3", (hs) => hs.map((h) => h.textContent))).toEqual(["Players", "Rounds"]);
    await browser.screenshot("console-match");
  });

  test("redrives a dead letter: it leaves the dead-letter stream and its event is appended to its stream again", async () => {
    const { page } = browser;
    const journal = server.services.journal.journal;
    const [original] = await deadLetterPurchases(journal, 2);
    const letters = await journal.read("events:purchases:dlq", { count: 100 });
    const letter = letters.find((l) => (l.data as { original_id: string }).original_id === original)!;
    await page.goto(`${server.url}/console#/groups`);
    await page.waitForSelector(`tr.letter[data-id="${letter.id}"]`);
    await browser.screenshot("console-dead-letters");
    await page.check(`tr.letter[data-id="${letter.id}"] input[name=pick]`);
    await page.click("section.dlq button:has-text('Redrive selected')");
    await page.waitForSelector(`tr.letter[data-id="${letter.id}"]`, { state: "detached" });
    await page.waitForSelector(".toast.ok");
    const again = (await journal.read("events:purchases", { count: 1000 })).find((e) => e.key === `redrive:${letter.id}`);
    expect(again).toMatchObject({ type: "purchase", data: { sku: "sku-0" } });
    expect((await journal.read("events:purchases:dlq", { count: 100 })).map((l) => l.id)).not.toContain(letter.id);
  });

  test("shows a lobby's subscribers and its telemetry live", async () => {
    const { page } = browser;
    const lobby = `lobby-${crypto.randomUUID().slice(0, 8)}`;
    await fetch(`${server.url}/rtapi/subscribe`, { method: "POST", headers: { Authorization: `Bearer ${ingest}`, "Content-Type": "application/json", "X-Session-ID": "viewer-1", "X-User-ID": "viewer" }, body: JSON.stringify({ lobby_id: lobby }) });
    expect((await post(`/v1/lobbies/${lobby}/telemetry`, { tick: 1 })).status).toBe(200);
    await page.goto(`${server.url}/console#/lobbies`);
    await page.click(`a[href="#/lobbies/${lobby}"]`);
    await page.waitForSelector("text=viewer-1");
    await page.waitForFunction(() => document.querySelector("h2 .state")?.textContent === "live");
    expect((await post(`/v1/lobbies/${lobby}/telemetry`, { tick: 2, ping: 31 })).status).toBe(200);
    await page.waitForFunction(() => [...document.querySelectorAll("tr.entry")].some((r) => r.textContent?.includes('"tick":2')));
    await browser.screenshot("console-lobby");
  });

  test("lists lobby game records and follows one record's changes live", async () => {
    const { page } = browser;
    const created = await post("/v1/lobby/games", { name: "console night", max_players: 4 }, admin);
    expect(created.status).toBe(201);
    const game = (await created.json()) as { game_id: string };
    await page.goto(`${server.url}/console#/lobby-records`);
    await page.click(`a[href="#/lobby-records/${game.game_id}"]`);
    await page.waitForFunction(() => document.querySelector("h2 .state")?.textContent === "live");
    await page.waitForSelector("text=game_created");
    expect((await post(`/v1/lobby/games/${game.game_id}/transitions`, { from: "draft", to: "enrollment_open" }, admin)).status).toBe(200);
    await page.waitForFunction(() => [...document.querySelectorAll("tbody tr")].some((r) => r.textContent?.includes("enrollment_open")));
    await browser.screenshot("console-lobby-record");
  });

  test("loaded nothing from another host and raised no error", () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
