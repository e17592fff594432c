/**
 * The dashboard served by a real daemon (`floe start` in a child process on a free port, run processes and all),
 * driven in Chromium. Skipped with a message while the daemon does not mount the dashboard at `/`, or when
 * /usr/bin/chromium is missing.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { makeProject, pipelineSource, startDaemon } from "../daemon/helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`;

const hello = pipelineSource(
  "hello",
  `.task("greet", async ({ params }) => { await new Promise((r) => setTimeout(r, 600)); console.log("hi " + params.who); return params.n; })
.task("shout", { needs: ["greet"] }, ({ upstream }) => upstream.greet * 2)`,
  `params: z.object({ who: z.string().default("world"), n: z.number().int().min(1).default(1) })`,
);

test("a real daemon serves the dashboard: field error, run from the form to Completed, its page", { skip }, async (t) => {
  const project = makeProject({ "pipelines/hello.ts": hello }, "{ daemon: { shutdownGraceMs: 300 } }");
  after(() => project.cleanup());
  const d = await startDaemon(project);
  try {
    const home = await fetch(`${d.url}/`);
    assert.match(home.headers.get("content-type") ?? "", /text\/html/, "the daemon serves the dashboard at /");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
        "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${d.url}/`);
      const form = page.locator('form[data-run-form="hello"]');
      await form.getByLabel("n").fill("0");
      await form.getByRole("button", { name: "Run now" }).click();
      await page.locator("#e--hello--n").filter({ hasText: /./ }).waitFor();
      await form.getByLabel("n").fill("2");
      await form.getByLabel("who").fill("ocean");
      await form.getByRole("button", { name: "Run now" }).click();
      const status = page.locator("#status--hello");
      await status.locator('[data-state="Running"]').waitFor({ timeout: 15_000 });
      await status.locator('[data-state="Completed"]').waitFor({ timeout: 20_000 });
      await status.locator("a").click();
      await page.locator('g.node[data-task="shout"][data-state="Completed"]').waitFor();
      await page.locator("#logs li", { hasText: "hi ocean" }).waitFor({ timeout: 5000 });
      assert.match((await page.locator("#run-params").textContent())!, /"who": "ocean"/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  } finally {
    await d.stop();
  }
});
