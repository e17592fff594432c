/**
 * End to end in Chromium (playwright-core): the API and the dashboard served on a free loopback port over the API
 * test facade (real store, runs executed for real). Screenshots of every page at 1280 px and 375 px go to
 * `test-artifacts/web/`. Skipped, with a message, only when /usr/bin/chromium is missing.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { serveApp, type ServedApp } from "../../src/api/index.ts";
import { createWebWorld, type WebWorld } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`;
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/web/", import.meta.url));
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

let browser: Browser | undefined;
let world: WebWorld;
let server: ServedApp;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  // long enough that a page opened on a loaded machine still sees the run Running
  world = await createWebWorld({ stepMs: 1200 });
  server = await serveApp(world.app, { host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // launch() gives every browser a fresh temporary profile (it refuses --user-data-dir)
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server.close();
  await world[Symbol.asyncDispose]();
});

/** A page that fails the test on any script error or console error (a CSP violation is one). */
async function open(path: string, viewport = DESKTOP): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // a 422 from the API is expected in the invalid-params step; the browser logs failed fetches as errors
    if (m.type() === "error" && !/status of 422/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(server.url + path);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

async function startRun(params: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${server.url}/api/pipelines/ocean/runs`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ params }),
  });
  return ((await res.json()) as { id: string }).id;
}

test("pipelines page: a field error from the API, then a run started from the form goes Running -> Completed live", { skip }, async () => {
  const { page, problems } = await open("/");
  await shot(page, "pipelines-desktop");
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  const form = page.locator('form[data-run-form="ocean"]');
  await form.getByLabel("years").fill("0");
  await form.getByRole("button", { name: "Run now" }).click();
  const yearsError = page.locator("#e--ocean--years");
  await yearsError.filter({ hasText: /too small/i }).waitFor();
  assert.equal(await form.getByLabel("years").getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f--ocean--years");
  await shot(page, "pipelines-field-error");

  await form.getByLabel("years").fill("2");
  await form.getByLabel("region").selectOption("south");
  await form.getByRole("button", { name: "Run now" }).click();
  assert.equal(await yearsError.textContent(), "");
  const status = page.locator("#status--ocean");
  await status.locator('[data-state="Running"]').waitFor({ timeout: 10_000 });
  await status.locator('[data-state="Completed"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, "no reload");
  // the recent strip picked the run up, then the run's page shows its tasks, logs and commit
  const runId = (await status.locator("a").textContent())!.replace("Run ", "");
  await page.locator(`#recent--ocean a[href="/runs/${runId}"] [data-state="Completed"]`).waitFor({ timeout: 5000 });
  await status.locator("a").click();
  await page.waitForURL(`**/runs/${runId}`);
  for (const task of ["fetch", "reduce", "publish"]) await page.locator(`g.node[data-task="${task}"][data-state="Completed"]`).waitFor();
  assert.equal(await page.locator('svg.timeline g[data-task="reduce"] rect').count(), 2, "two attempts of reduce");
  await page.locator("#logs li", { hasText: "committed" }).waitFor();
  assert.match((await page.locator("#commit-table").textContent())!, /ocean\/sst\s*main\s*\w+.*seasonal means for south/s);
  assert.match((await page.locator("#run-params").textContent())!, /"region": "south"/);
  await shot(page, "run-desktop");
  assert.deepEqual(problems, []);
  await page.close();
});

test("run page follows a run live: states, DAG and log lines arrive without reload; level filter; retry", { skip }, async () => {
  const runId = await startRun({ years: 4 });
  const { page, problems } = await open(`/runs/${runId}`);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.locator('#run-head [data-state="Running"]').waitFor({ timeout: 10_000 });
  await page.locator('g.node[data-state="Running"]').first().waitFor({ timeout: 5000 });
  await shot(page, "run-running-desktop");
  await page.locator('#run-head [data-state="Completed"]').waitFor({ timeout: 15_000 });
  await page.locator('g.node[data-task="publish"][data-state="Completed"]').waitFor({ timeout: 5000 });
  // generous: under a loaded CI machine the last refresh can trail the final state by seconds
  await page.locator("#logs li", { hasText: "committed" }).waitFor({ timeout: 15_000 });
  await page.locator("#commit-table").waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, "no reload");
  assert.equal(await page.locator("#btn-cancel").isDisabled(), true);
  await page.locator('main[data-live-state="done"]').waitFor({ timeout: 2000 }); // no more polling once it ended

  await page.getByLabel("Minimum level").selectOption("warn");
  await page.locator("#logs li").first().waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("#logs li")].every((li) => li.classList.contains("l-warn") || li.classList.contains("l-error")));
  assert.match(page.url(), /\?level=warn$/);

  await page.getByRole("button", { name: "Retry" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(runId));
  await page.locator('#run-head [data-state="Completed"]').waitFor({ timeout: 15_000 });
  assert.match((await page.locator("#run-summary").textContent())!, new RegExp(`Retry of\\s*${runId}`));
  assert.deepEqual(problems, []);
  await page.close();
});

test("runs list updates live; pages, keyboard and phone width", { skip }, async () => {
  const { page, problems } = await open("/runs");
  const runId = await startRun();
  await page.locator(`tr[data-run="${runId}"] [data-state="Completed"]`).waitFor({ timeout: 15_000 });
  await shot(page, "runs-desktop");
  await page.getByLabel("State").selectOption("Completed");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/state=Completed/);
  assert.ok((await page.locator("tbody tr").count()) >= 1);

  // keyboard: the skip link comes first, and the ocean form's submit button is reachable with Tab, Enter submits it
  await page.goto(`${server.url}/`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.matches('form[data-run-form="ocean"] button[type=submit]') ?? false);
  }
  assert.ok(reached, "Run now is reachable by keyboard");
  await page.keyboard.press("Enter");
  await page.locator('#status--ocean [data-state="Completed"]').waitFor({ timeout: 15_000 });

  await page.goto(`${server.url}/commits`);
  await page.locator('tr[id^="snap--ocean"]').first().waitFor();
  await shot(page, "commits-desktop");

  const runPath = await page.locator('td[data-label="Run"] a').first().getAttribute("href");
  await page.setViewportSize(PHONE);
  for (const [name, path] of [["pipelines", "/"], ["runs", "/runs"], ["run", runPath!], ["commits", "/commits"]] as const) {
    await page.goto(server.url + path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} at 375 px overflows by ${overflow} px`);
    await shot(page, `${name}-phone`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
