/** Server-rendered pages through `app.request()` on a real store with real runs: content, escaping, paging, 404s. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRun } from "../../src/store/index.ts";
import { CLIENT_SCRIPT, PAGE_CSP } from "../../src/web/index.ts";
import { fieldsOf } from "../../src/web/params-form.ts";
import { createWebWorld, runToEnd } from "./helpers.ts";

const page = async (world: { app: { request(p: string): Response | Promise<Response> } }, path: string) => {
  const res = await world.app.request(path);
  return { status: res.status, headers: res.headers, text: await res.text() };
};

test("pipelines page: validity with file:line, last good version, schedules, recent runs, a form from the schema", async () => {
  await using world = await createWebWorld();
  const run = await runToEnd(world, "ocean");
  const { status, headers, text } = await page(world, "/");
  assert.equal(status, 200);
  assert.equal(headers.get("content-security-policy"), PAGE_CSP);
  assert.match(headers.get("content-type")!, /text\/html/);
  for (const name of ["ocean", "quick", "broken"]) assert.match(text, new RegExp(`<h2 id="h--${name}">${name}</h2>`));
  // the invalid pipeline: where, what (escaped), and which version still runs
  assert.match(text, /<code>pipelines\/broken\.ts:12:5<\/code> task &quot;only&quot; needs &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;/);
  assert.ok(!text.includes("<script>alert"), "diagnostic text is escaped");
  assert.match(text, /Runs use the last good version <code>[0-9a-f]+<\/code>/);
  assert.match(text, /Seasonal sea-surface temperature means &lt;b&gt;for&lt;\/b&gt; a region/);
  // schedule with next slots and a pause button aimed at the API
  assert.match(text, /<td data-label="Schedule">hourly<\/td>/);
  assert.equal((text.match(/<time datetime="[^"]+T\d\d:00:00\.000Z">/g) ?? []).length >= 3, true);
  assert.match(text, /data-post="\/api\/schedules\/ocean%3Ahourly\/pause"/);
  // recent run states link to the run
  assert.match(text, new RegExp(`href="/runs/${run.id}"[^>]*aria-label="Run ${run.id}: Completed"`));
  // the form: every kind, defaults filled, errors placed per field
  assert.match(text, /<select id="f--ocean--region" name="region" data-kind="enum"[^>]*><option selected>north<\/option><option>south<\/option><\/select>/);
  assert.match(text, /<input type="number" inputmode="numeric" step="1" id="f--ocean--years" name="years" data-kind="integer"[^>]* value="3" min="1" max="50">/);
  assert.match(text, /step="any" id="f--ocean--scale" name="scale" data-kind="number"[^>]* value="1.5">/);
  assert.match(text, /<input type="checkbox" id="f--ocean--dryRun" name="dryRun" data-kind="boolean" aria-describedby="e--ocean--dryRun">/);
  assert.match(text, /<label for="f--ocean--label">label/);
  assert.match(text, /<div class="error" id="e--ocean--years" data-error-for="years"><\/div>/);
  assert.match(text, /<form class="run-form" data-run-form="ocean" novalidate/);
});

test("pausing through the API shows on the page and in the live fragment", async () => {
  await using world = await createWebWorld();
  assert.equal((await world.app.request("/api/schedules/ocean%3Ahourly/pause", { method: "POST" })).status, 200);
  const part = await page(world, "/ui/part/pipelines");
  assert.match(part.text, /<div id="sched--ocean" class="scroll">/);
  assert.match(part.text, /data-state="paused"/);
  assert.match(part.text, /data-post="\/api\/schedules\/ocean%3Ahourly\/resume"[^>]*>Resume<\/button>/);
  assert.ok(!part.text.includes("<html"), "a fragment has no page shell");
});

test("runs page: 50 per page with the store's cursor, filters, a stale cursor is not an error", async () => {
  await using world = await createWebWorld();
  const { store } = world.daemon;
  const version = world.daemon.deps.pipelines().find((p) => p.name === "quick")!.active!.version;
  const t0 = Date.now() - 60_000;
  for (let i = 0; i < 120; i++) {
    await createRun(store, { pipeline: "quick", version, params: {}, trigger: { kind: "manual" }, createdAt: t0 + i, state: "Pending" });
  }
  const ids = (text: string) => [...text.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1]!);
  const first = await page(world, "/runs");
  assert.equal(ids(first.text).length, 50);
  assert.match(first.text, /<main id="main" data-live="\/ui\/part\/runs" data-live-ms="2000">/);
  const next = /<a rel="next" href="([^"]+)">Older runs/.exec(first.text)![1]!.replaceAll("&amp;", "&");
  const second = await page(world, next);
  assert.equal(ids(second.text).length, 50);
  assert.equal(new Set([...ids(first.text), ...ids(second.text)]).size, 100);
  const third = await page(world, /<a rel="next" href="([^"]+)">/.exec(second.text)![1]!.replaceAll("&amp;", "&"));
  assert.equal(ids(third.text).length, 20);
  assert.match(third.text, /End of list/);
  // the live fragment of a cursor page is the same page
  assert.deepEqual(ids((await page(world, next.replace("/runs?", "/ui/part/runs?"))).text), ids(second.text));

  const done = await runToEnd(world, "ocean");
  const filtered = await page(world, "/runs?state=Completed&pipeline=ocean&since=1h");
  assert.deepEqual(ids(filtered.text), [done.id]);
  assert.match(filtered.text, /<option value="Completed" selected>Completed<\/option>/);
  assert.match(filtered.text, /data-live="\/ui\/part\/runs\?pipeline=ocean&amp;state=Completed&amp;since=1h"/);
  const none = await page(world, "/runs?state=Failed");
  assert.match(none.text, /No runs match/);
  const stale = await page(world, "/runs?cursor=bm9wZQ");
  assert.equal(stale.status, 200);
  assert.match(stale.text, /no longer valid/);
  assert.equal(ids((await page(world, "/runs?state=Nonsense&since=forever")).text).length, 50);
});

test("run page: DAG by state, retries on the timeline, params escaped and redacted, commits and reads, logs", async () => {
  await using world = await createWebWorld();
  const label = "<img src=x onerror=alert(1)> ema_abcdefSECRET123";
  const run = await runToEnd(world, "ocean", { region: "south", label });
  const { status, text } = await page(world, `/runs/${run.id}`);
  assert.equal(status, 200);
  assert.match(text, /data-live-done/);
  assert.ok(!/<main id="main" data-live/.test(text), "an ended run is not polled");
  for (const task of ["fetch", "reduce", "publish"]) assert.match(text, new RegExp(`<g class="node" data-task="${task}" data-state="Completed">`));
  assert.match(text, /<path class="edge" d="M168 26 /);
  assert.match(text, /data-attempt="1" data-outcome="AwaitingRetry"/);
  assert.match(text, /data-attempt="2" data-outcome="Completed"/);
  assert.match(text, /<td data-label="Attempts">2<\/td>/);
  // Which node ran the run and each task, on the page and in the API.
  assert.match(text, /<dt>Node<\/dt><dd id="run-node" class="mono">test-box:4242<\/dd>/);
  assert.equal(text.match(/<td data-label="Node" class="mono">test-box:4242<\/td>/g)?.length, 3);
  const body = await (await world.app.request(`/api/runs/${run.id}`)).json() as { node: string; tasks: { node: string }[] };
  assert.deepEqual([body.node, ...body.tasks.map((t) => t.node)], Array(4).fill("test-box:4242"));
  assert.match(text, /&quot;label&quot;: &quot;&lt;img src=x onerror=alert\(1\)&gt; ema_\*\*\*&quot;/);
  assert.ok(!text.includes("SECRET123") && !text.includes("<img src=x"));
  assert.match(text, /<dt>Version<\/dt><dd class="mono">[0-9a-f]+ <span class="muted">\(active\)<\/span>/);
  assert.match(text, /<a href="\/commits\?repo=ocean%2Fsst">ocean\/sst<\/a><\/td>\s*<td data-label="Branch">main<\/td>/);
  assert.match(text, /<td data-label="Message">seasonal means for south<\/td>/);
  assert.match(text, /<table class="reflow" id="read-table">/);
  assert.match(text, /WARN  \[reduce#2\] reduced 3 years on attempt 2/);
  assert.match(text, /<button type="button" id="btn-cancel"[^>]*disabled>Cancel/);
  const warnOnly = await page(world, `/runs/${run.id}?level=warn`);
  assert.ok(!warnOnly.text.includes("fetching 3 years") && warnOnly.text.includes("reduced 3 years"));
  assert.match(warnOnly.text, /<option selected>warn<\/option>/);

  const part = await page(world, `/ui/part/runs/${run.id}`);
  assert.match(part.text, /^<div id="run-head"/);
  assert.match(part.text, /<section id="run-graph"/);
  assert.equal((await page(world, "/runs/NOPE")).status, 404);
  assert.equal((await page(world, "/ui/part/runs/NOPE")).status, 404);
});

test("commits page: per repository, each snapshot linked to its run and its inputs to the runs that wrote them", async () => {
  await using world = await createWebWorld();
  const first = await runToEnd(world, "ocean");
  const second = await runToEnd(world, "ocean", { region: "south" });
  const { text } = await page(world, "/commits");
  assert.match(text, /<h2 id="repo--ocean_2f_sst"><a href="\/commits\?repo=ocean%2Fsst">ocean\/sst<\/a><\/h2>/);
  assert.equal((text.match(/<tr id="snap--/g) ?? []).length, 2);
  assert.match(text, new RegExp(`<a class="mono" href="/runs/${second.id}">`));
  // the second run read what the first one committed: its input links to the first run
  assert.match(text, new RegExp(`<span class="muted">from</span> <a class="mono" href="/runs/${first.id}">`));
  const filtered = await page(world, "/commits?repo=other%2Frepo");
  assert.match(filtered.text, /No commits to this repository yet/);
});

test("assets: one script that parses, one stylesheet; the API around the dashboard is unchanged", async () => {
  await using world = await createWebWorld();
  const js = await world.app.request("/ui/app.js");
  assert.match(js.headers.get("content-type")!, /javascript/);
  assert.equal(await js.text(), CLIENT_SCRIPT);
  assert.doesNotThrow(() => new Function(CLIENT_SCRIPT));
  // user text reaches the DOM only through textContent: the one innerHTML parses our own fragment into a template
  assert.deepEqual(CLIENT_SCRIPT.match(/\w*\.innerHTML\b.*/g), ["tpl.innerHTML = html;"]);
  const css = await world.app.request("/ui/app.css");
  assert.match(css.headers.get("content-type")!, /text\/css/);
  assert.ok(!/url\(|@import|https?:/.test(await css.text()), "no external fonts or assets");
  assert.equal((await (await world.app.request("/api/health")).json() as any).status, "ok");
  const missing = await world.app.request("/nope");
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type")!, /json/);
});

test("form fields from JSON Schema: required without default, JSON for other shapes, bounds kept only when real", () => {
  const fields = fieldsOf({
    type: "object", required: ["name", "n"],
    properties: {
      name: { type: "string", description: "who" }, n: { type: "integer", minimum: -9007199254740991, default: 2 },
      tags: { type: "array", items: { type: "string" } }, mode: { type: "string", enum: ["a", "b"] },
    },
  });
  assert.deepEqual(fields.map((f) => [f.key, f.kind, f.required, f.min]), [
    ["name", "string", true, undefined], ["n", "integer", false, undefined], ["tags", "json", false, undefined], ["mode", "enum", false, undefined],
  ]);
  assert.deepEqual(fieldsOf(null), []);
});
