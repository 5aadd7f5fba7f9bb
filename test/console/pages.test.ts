import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openBrowser, type Browser } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/** GraphiQL and the REST docs page in Chromium: everything from the server itself, nothing from a CDN. */

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await openBrowser(server.url);
}, 60_000);

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]();
  await server?.[Symbol.asyncDispose]();
});

describe("pages served by the binary, in Chromium", () => {
  test("GraphiQL loads offline and runs a query", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
    await page.waitForSelector(".graphiql-execute-button");
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(() => document.querySelector(".graphiql-response")?.textContent?.includes("healthy"), undefined, { timeout: 30_000 });
    await browser.screenshot("graphiql");
  });

  test("the REST docs page lists the API's operations from /openapi.json", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/docs`);
    await page.waitForFunction(() => document.querySelectorAll(".opblock").length > 30, undefined, { timeout: 30_000 });
    expect(await page.textContent(".swagger-ui .title")).toContain("gamejournal");
    await browser.screenshot("docs");
  });

  test("loaded nothing from another host and raised no error", () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
