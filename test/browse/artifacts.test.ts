/**
 * Run artifacts end to end in one process: a real run attaches markdown, a table, PNG and SVG images and a link;
 * the API lists them in order and serves the image bytes; the run page shows them (markup in task text escaped);
 * past the size limits the task fails with a clear error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveApp } from "../../src/api/index.ts";
import { pipeline } from "floe";
import { encode } from "fast-png";
import { createApp } from "../../src/api/index.ts";
import { mountDashboard } from "../../src/web/index.ts";
import { createTestDaemon } from "../api/helpers.ts";

const png = encode({ width: 2, height: 1, data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), channels: 4, depth: 8 });
const svg = new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`);

const reporting = pipeline({ name: "reporting" })
  .task("report", async (_input, ctx) => {
    ctx.artifact.markdown("# Done\n\n**12** files <script>alert(1)</script> [bad](javascript:alert(1))", { title: "Summary" });
    ctx.artifact.table([{ season: "DJF", mean: 14.25 }, { season: "JJA", mean: 18.5, note: "warm" }]);
    ctx.artifact.image(png, { alt: "two pixels" });
    ctx.artifact.image(svg, { title: "a square" });
    ctx.artifact.link("https://example.org/docs", "the docs");
    assert.throws(() => ctx.artifact.link("javascript:alert(1)"), /must start with http/);
    assert.throws(() => ctx.artifact.image(new Uint8Array([1, 2, 3])), /neither a PNG nor an SVG/);
    return "ok";
  });

const tooBig = pipeline({ name: "too-big" })
  .task("big", async (_input, ctx) => {
    ctx.artifact.markdown("x".repeat(2 * 1024 * 1024));
  });

const manyBig = pipeline({ name: "many-big" })
  .task("many", async (_input, ctx) => {
    for (let i = 0; i < 20; i++) ctx.artifact.markdown("y".repeat(900 * 1024));
  });

test("artifacts: attached in order, listed, served, shown; limits are clear errors", async () => {
  await using daemon = await createTestDaemon({ pipelines: [reporting, tooBig, manyBig] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  mountDashboard(app, daemon.deps);
  const start = async (name: string): Promise<string> => {
    const res = await app.request(`/api/pipelines/${name}/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const id = ((await res.json()) as { id: string }).id;
    await daemon.settled(id);
    return id;
  };

  const id = await start("reporting");
  const run = await (await app.request(`/api/runs/${id}`)).json() as { state: string };
  assert.equal(run.state, "Completed");
  const list = await (await app.request(`/api/runs/${id}/artifacts`)).json() as { items: Record<string, any>[] };
  assert.deepEqual(list.items.map((a) => [a.seq, a.kind]), [[1, "markdown"], [2, "table"], [3, "image"], [4, "image"], [5, "link"]]);
  assert.equal(list.items[0]!.title, "Summary");
  assert.deepEqual(list.items[1]!.rows, [{ season: "DJF", mean: 14.25 }, { season: "JJA", mean: 18.5, note: "warm" }]);
  assert.deepEqual(list.items[4]!.link, { url: "https://example.org/docs", label: "the docs" });
  const image = await app.request(list.items[2]!.image.url);
  assert.equal(image.headers.get("content-type"), "image/png");
  assert.deepEqual(new Uint8Array(await image.arrayBuffer()), png);
  assert.equal((await app.request(list.items[3]!.image.url)).headers.get("content-type"), "image/svg+xml");
  assert.equal((await app.request(`/api/runs/${id}/artifacts/9`)).status, 404);
  assert.equal((await app.request(`/api/runs/${id}/artifacts/x`)).status, 400);
  assert.equal((await app.request(`/api/runs/nope/artifacts`)).status, 404);

  const page = await (await app.request(`/runs/${id}`)).text();
  assert.match(page, /<h1>Done<\/h1>/);
  assert.match(page, /<strong>12<\/strong>/);
  assert.doesNotMatch(page, /<script>alert/);
  assert.doesNotMatch(page, /href="javascript:/);
  assert.ok(page.indexOf('id="artifact-1"') < page.indexOf('id="artifact-5"'), "in order");
  assert.match(page, /<td>DJF<\/td>/);

  // In Chromium (when installed): the run page shows the artifacts, images decoded, at 1,440 and 375 px.
  if (existsSync("/usr/bin/chromium")) {
    const dir = fileURLToPath(new URL("../../test-artifacts/browse/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    const server = await serveApp(app, { host: "127.0.0.1", port: 0 });
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const problems: string[] = [];
      tab.on("pageerror", (e) => problems.push(e.message));
      tab.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
      await tab.goto(`${server.url}/runs/${id}`);
      await tab.waitForSelector("#run-artifacts");
      await tab.waitForFunction(() => [...document.querySelectorAll("#run-artifacts img")].every((i) => (i as HTMLImageElement).complete));
      const widths = await tab.$$eval("#run-artifacts img", (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      assert.deepEqual(widths.map((w) => w > 0), [true, true]);
      await tab.screenshot({ path: `${dir}run-artifacts-1440.png`, fullPage: true });
      await tab.setViewportSize({ width: 375, height: 812 });
      assert.ok(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no sideways scroll at 375 px");
      await tab.screenshot({ path: `${dir}run-artifacts-375.png`, fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  }

  const big = await (await app.request(`/api/runs/${await start("too-big")}`)).json() as { state: string; tasks: { error: { message: string } | null }[] };
  assert.equal(big.state, "Failed");
  assert.match(big.tasks[0]!.error!.message, /2\.00 MiB is over the limit of 1\.00 MiB per artifact/);
  const many = await (await app.request(`/api/runs/${await start("many-big")}`)).json() as { state: string; tasks: { error: { message: string } | null }[] };
  assert.equal(many.state, "Failed");
  assert.match(many.tasks[0]!.error!.message, /over the limit of 8\.00 MiB per run/);
});
