/**
 * The partition view in Chromium: a backfill's slots as a grid coloured by each slot's run state, live until the
 * backfill ends. The backfill and its runs are real store rows (created as the daemon creates them); states change
 * through the store's one transition function, and the page follows.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { createApp, serveApp, type ServedApp } from "../../src/api/index.ts";
import { applyRunEvents, createBackfill, type RunRecord } from "../../src/store/index.ts";
import { mountDashboard } from "../../src/web/index.ts";
import { createTestDaemon, type TestDaemon } from "../api/helpers.ts";
import { quick } from "./pipelines.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`;
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/web/", import.meta.url));

let browser: Browser | undefined;
let daemon: TestDaemon;
let server: ServedApp;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  daemon = await createTestDaemon({ pipelines: [quick] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  mountDashboard(app, daemon.deps);
  server = await serveApp(app, { host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server.close();
  await daemon[Symbol.asyncDispose]();
});

const DAY = 86_400_000;
const move = async (run: RunRecord, from: string, to: string): Promise<void> => {
  const { rejected } = await applyRunEvents(daemon.store, [{ type: "run:transition", runId: run.id, from: from as never, to: to as never, at: Date.now() }]);
  assert.deepEqual(rejected, []);
};

test("the backfill page shows each slot coloured by its run's state and follows them live", { skip }, async () => {
  const start = Date.UTC(2025, 2, 1, 2);
  const slots = Array.from({ length: 7 }, (_, i) => start + i * DAY);
  const version = daemon.deps.pipelines()[0]!.active!.version;
  const { backfill, created } = await createBackfill(daemon.store, {
    pipeline: "quick", version, scheduleId: "quick:daily", scheduleName: "daily", slots, fromAt: slots[0]!, toAt: slots[6]!,
    maxActive: 2, rerunFailed: false, params: {}, createdAt: Date.now(),
  });
  assert.equal(created.length, 7);
  for (const run of created.slice(0, 4)) await move(run, "Pending", "Running");
  for (const run of created.slice(0, 3)) await move(run, "Running", "Completed");
  await move(created[4]!, "Pending", "Running");
  await move(created[4]!, "Running", "Failed");

  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(`${server.url}/backfills`);
  await page.click(`a[href="/backfills/${backfill.id}"]`);
  await page.waitForSelector(".slots .cell");
  const states = await page.$$eval(".slots .cell", (cells) => cells.map((c) => c.getAttribute("data-state")));
  assert.deepEqual(states, ["Completed", "Completed", "Completed", "Running", "Failed", "Pending", "Pending"]);
  const first = page.locator(".slots .cell").first();
  assert.equal(await first.getAttribute("href"), `/runs/${created[0]!.id}`);
  assert.match((await first.getAttribute("title")) ?? "", /^2025-03-01T02:00:00.000Z Completed/);
  const colours = await page.$$eval(".slots .cell", (cells) => cells.map((c) => getComputedStyle(c).backgroundColor));
  assert.equal(new Set([colours[0], colours[3], colours[4]]).size, 3, "done, running and failed look different");
  await page.screenshot({ path: join(ARTIFACTS, "backfill.png"), fullPage: true });

  // the page follows the runs until the backfill ends
  await move(created[3]!, "Running", "Completed");
  for (const run of created.slice(5)) {
    await move(run, "Pending", "Running");
    await move(run, "Running", "Completed");
  }
  await page.waitForFunction(() => document.querySelectorAll('.slots .cell[data-state="Completed"]').length === 6, undefined, { timeout: 15_000 });
  await page.waitForSelector('main[data-live-state="done"]', { timeout: 15_000 });
  assert.match((await page.textContent("#backfill-state")) ?? "", /Failed/, "one slot failed: the backfill failed");

  await page.setViewportSize({ width: 375, height: 812 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, "no sideways scrolling at phone width");
  assert.deepEqual(problems, []);
  await page.close();
});
