import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Debian's chromium (scripts/dev.sh installs it); playwright-core downloads no browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Screenshots taken by the browser tests, kept after the run (git-ignored). */
export const ARTIFACTS = join(import.meta.dir, "..", "artifacts");

/**
 * Flags for a machine without internet: without the background-networking
 * ones Chromium waits on refused connections (updates, sync, QUIC probes).
 */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export interface Browser extends AsyncDisposable {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Requests the page made to any other origin than `origin` (must stay empty: nothing from a CDN). */
  readonly foreignRequests: string[];
  /** Uncaught errors and console errors of the page (but 401/403 answers, which the console expects while signing in). */
  readonly pageErrors: string[];
  screenshot(name: string): Promise<string>;
}

/** A headless Chromium with a fresh profile, released with `await using`. */
export async function openBrowser(origin: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "gamejournal-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1360, height: 860 },
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) foreignRequests.push(url);
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (msg) => {
    // A refused credential is an expected answer (the console shows it), not an error of the page.
    if (msg.type() === "error" && !/status of 40[13] /.test(msg.text())) pageErrors.push(msg.text());
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    foreignRequests,
    pageErrors,
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
