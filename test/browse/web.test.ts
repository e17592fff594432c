/**
 * The repository pages in Chromium over real HTTP: the browser (/repos, a repository's tree and history), a quick
 * look reached by keyboard, and a diff with the image of a change, at 1,440 px and 375 px. Screenshots go to
 * `test-artifacts/browse/`. Skipped, with a message, only when /usr/bin/chromium is missing.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { createApp, serveApp, type ServedApp } from "../../src/api/index.ts";
import { createRepoBrowser } from "../../src/browse/index.ts";
import { mountDashboard } from "../../src/web/index.ts";
import { createTestDaemon, type TestDaemon } from "../api/helpers.ts";
import { createFixtureRepo, REPO, type FixtureRepo } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`;
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/browse/", import.meta.url));
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };

let browser: Browser | undefined;
let fixture: FixtureRepo;
let daemon: TestDaemon;
let server: ServedApp;
let closeRepos: () => Promise<void>;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  fixture = await createFixtureRepo();
  daemon = await createTestDaemon({ pipelines: [] });
  const repos = createRepoBrowser({ client: fixture.client });
  closeRepos = () => repos.close();
  const deps = { ...daemon.deps, repos };
  const app = createApp(deps, { host: "127.0.0.1" });
  mountDashboard(app, deps);
  server = await serveApp(app, { host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run"],
  });
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server.close();
  await daemon[Symbol.asyncDispose]();
  // Before the fixture's client closes, so the repository handles the browser held can be released.
  await closeRepos();
  await fixture[Symbol.asyncDispose]();
});

async function open(path: string, viewport = WIDE): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(server.url + path);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Every image on the page decoded (a broken image has naturalWidth 0). */
async function imagesLoaded(page: Page): Promise<number> {
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  const widths = await page.$$eval("img", (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
  assert.ok(widths.every((w) => w > 0), `every image decodes: ${widths.join(", ")}`);
  return widths.length;
}

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, text: RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    if (text.test(focused)) return;
  }
  assert.fail(`no focusable element matching ${text} within ${max} tabs`);
}

test("repository browser, quick look and diff in Chromium, by keyboard, at 1,440 and 375 px", { skip }, async () => {
  const { page, problems } = await open("/repos");
  assert.deepEqual(await page.$$eval("#repo-list a", (as) => as.map((a) => a.textContent)), [REPO]);
  await shot(page, "repos-1440");
  await page.click(`#repo-list a`);
  await page.waitForSelector("#history");
  const body = await page.textContent("main");
  assert.match(body ?? "", /ocean\/temp/);
  assert.match(body ?? "", /2021-01-01 … 2021-01-12/, "time coordinates as dates");
  assert.match(body ?? "", /second: day 0 set to 40/);
  await shot(page, "repo-1440");
  await page.setViewportSize(PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no sideways scroll at 375 px");
  await shot(page, "repo-375");
  await page.setViewportSize(WIDE);

  // Keyboard: from the repository page to the quick look of ocean/temp.
  await tabTo(page, /Quick look of ocean\/temp$/);
  await Promise.all([page.waitForURL(/\/look\?/), page.keyboard.press("Enter")]);
  assert.equal(await imagesLoaded(page), 1);
  assert.match(await page.getAttribute("figure img", "alt") ?? "", /^Map of synthetic sea surface temperature .* at time 2021-01-01, values 40 to 40 degC/);
  await shot(page, "look-1440");
  await page.fill("#at-time", "3");
  await Promise.all([page.waitForURL(/at\.time=3/), page.press("#at-time", "Enter")]);
  assert.equal(await imagesLoaded(page), 1);
  assert.match(await page.textContent("figcaption") ?? "", /time = 2021-01-04/);
  await shot(page, "look-time3-1440");
  await page.setViewportSize(PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no sideways scroll at 375 px");
  await shot(page, "look-375");

  // A 1-D array: an SVG line plot.
  await page.goto(`${server.url}/repos/${REPO}/look?array=ocean/global-mean&ref=main`);
  assert.equal(await imagesLoaded(page), 1);
  await page.setViewportSize(WIDE);
  await shot(page, "look-line-1440");

  // The diff of the last commit, from the history's link.
  await page.goto(`${server.url}/repos/${REPO}`);
  await page.click(`#snap-${fixture.second} a:text("Diff")`);
  await page.waitForSelector("#changed");
  assert.match(await page.textContent("#changed") ?? "", /ocean\/temp 4 chunks written/);
  assert.equal(await imagesLoaded(page), 1);
  await shot(page, "diff-1440");
  await page.setViewportSize(PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no sideways scroll at 375 px");
  await shot(page, "diff-375");

  assert.deepEqual(problems, []);
  // Bad input is a readable page, not a 500.
  const res = await page.goto(`${server.url}/repos/${REPO}/look?array=../x`);
  assert.equal(res?.status(), 400);
  const missing = await page.goto(`${server.url}/repos/${REPO}?ref=nope`);
  assert.equal(missing?.status(), 404);
  assert.match(await page.textContent("main") ?? "", /ref "nope" not found/);
});
