/** Route tests through app.request() against a real SQLite store holding real runs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/api/index.ts";
import { RunDetailSchema, RunEventListSchema, RunPageSchema, RunSchema, LogPageSchema } from "../../schemas/api-runs.ts";
import { ErrorBodySchema, HealthSchema, PipelineListSchema, ScheduleListSchema, ScheduleSchema } from "../../schemas/api.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { pipeline } from "../../src/index.ts";
import { gated, hello, leaky } from "./pipelines.ts";

const brokenLastGood = pipeline({ name: "broken" }).task("a", () => 1);

const post = (body?: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
});

async function setup() {
  const g = gated();
  const daemon = await createTestDaemon({
    pipelines: [hello, leaky, g.pipeline],
    invalid: [{
      name: "broken", file: "pipelines/broken.ts", lastGood: brokenLastGood,
      diagnostics: [{ file: "pipelines/broken.ts", line: 3, code: "unknown_dependency", path: "tasks.b.needs", message: 'unknown task "x"' }],
    }],
  });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  return { daemon, app, gate: g };
}

async function expectError(res: Response, status: number, code: string) {
  assert.equal(res.status, status, await res.clone().text());
  const body = ErrorBodySchema.parse(await res.json());
  assert.equal(body.error.code, code);
  return body;
}

test("health reports version, uptime, pipelines and active runs", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const body = HealthSchema.parse(await json(await app.request("/api/health")));
  assert.equal(body.version, "0.1.0-test");
  assert.equal(body.pipelines, 4);
  assert.equal(body.runningRuns, 0);
  assert.ok(body.uptimeS >= 5);
});

test("pipelines: valid and invalid ones, params schema, schedules with next slots, plan", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const { items } = PipelineListSchema.parse(await json(await app.request("/api/pipelines")));
  assert.deepEqual(items.map((p) => p.name), ["broken", "gated", "hello", "leaky"]);
  const h = items.find((p) => p.name === "hello")!;
  assert.equal(h.valid, true);
  assert.match(h.version!, /^[0-9a-f]{16}$/);
  assert.deepEqual(h.plan!.edges, [{ from: "greet", to: "shout" }]);
  assert.equal((h.paramsSchema!.properties as Record<string, unknown>).who !== undefined, true);
  assert.equal(h.schedules.length, 1);
  assert.equal(h.schedules[0]!.id, "hello:nightly");
  assert.equal(h.schedules[0]!.nextSlots.length, 5);
  const broken = items.find((p) => p.name === "broken")!;
  assert.equal(broken.valid, false);
  assert.match(broken.version!, /^[0-9a-f]{16}$/, "the last good version stays active");
  assert.deepEqual(broken.plan!.levels, [["a"]]);
  assert.equal(broken.diagnostics[0]!.path, "tasks.b.needs");
  assert.equal((await json(await app.request("/api/pipelines/hello"))).name, "hello");
  await expectError(await app.request("/api/pipelines/nope"), 404, "not_found");
});

test("create a run: 201, idempotent 200, invalid params 422 with paths, unknown pipeline 404", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const res = await app.request("/api/pipelines/hello/runs", post({ params: { who: "ocean" }, idempotencyKey: "k1" }));
  assert.equal(res.status, 201);
  const run = RunSchema.parse(await res.json());
  assert.deepEqual(run.params, { who: "ocean", times: 1 });
  assert.equal(run.trigger.kind, "api");
  const again = await app.request("/api/pipelines/hello/runs", post({ params: { who: "other" }, idempotencyKey: "k1" }));
  assert.equal(again.status, 200);
  assert.equal((await json(again)).id, run.id);

  const bad = await expectError(await app.request("/api/pipelines/hello/runs", post({ params: { who: 3, times: 0 } })), 422, "invalid_params");
  assert.deepEqual(bad.error.details!.issues!.map((i) => i.path).sort(), ["params.times", "params.who"]);
  const shape = await expectError(await app.request("/api/pipelines/hello/runs", post({ params: 5, extra: 1 })), 422, "invalid_body");
  assert.deepEqual(shape.error.details!.issues!.map((i) => i.path).sort(), ["", "params"]);
  await expectError(await app.request("/api/pipelines/nope/runs", post({})), 404, "not_found");
  // an empty body is {}: default params
  const empty = await app.request("/api/pipelines/hello/runs", { method: "POST" });
  assert.equal(empty.status, 201);
  await daemon.settled(run.id);
});

test("run detail: tasks with attempts, timings and results; events; logs with filters", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const created = await json(await app.request("/api/pipelines/hello/runs", post({ params: { who: "sea", times: 2 } })));
  await daemon.settled(created.id);
  const run = RunDetailSchema.parse(await json(await app.request(`/api/runs/${created.id}`)));
  assert.equal(run.state, "Completed");
  assert.ok(run.durationMs !== null && run.durationMs >= 0);
  assert.deepEqual(run.tasks.map((t) => [t.task, t.state, t.attempts]), [["greet", "Completed", 1], ["shout", "Completed", 1]]);
  assert.equal(run.tasks[1]!.result, "HELLO SEAHELLO SEA");
  assert.deepEqual(run.commits, []);

  const events = RunEventListSchema.parse(await json(await app.request(`/api/runs/${run.id}/events`)));
  const runStates = events.items.filter((e) => e.task === null).map((e) => e.to);
  assert.deepEqual(runStates, ["Pending", "Running", "Completed"]);

  const logs = LogPageSchema.parse(await json(await app.request(`/api/runs/${run.id}/logs`)));
  assert.deepEqual(logs.items.map((l) => l.message), ["hello sea", "shouting"]);
  const infoOnly = LogPageSchema.parse(await json(await app.request(`/api/runs/${run.id}/logs?level=info`)));
  assert.deepEqual(infoOnly.items.map((l) => l.message), ["hello sea"]);
  const after = LogPageSchema.parse(await json(await app.request(`/api/runs/${run.id}/logs?after=${logs.items[0]!.seq}`)));
  assert.deepEqual(after.items.map((l) => l.message), ["shouting"]);
  const byTask = LogPageSchema.parse(await json(await app.request(`/api/runs/${run.id}/logs?task=shout`)));
  assert.deepEqual(byTask.items.map((l) => l.task), ["shout"]);
  await expectError(await app.request(`/api/runs/${run.id}/logs?level=loud`), 400, "invalid_request");
  await expectError(await app.request("/api/runs/NOPE"), 404, "not_found");
  await expectError(await app.request("/api/runs/NOPE/events"), 404, "not_found");
  await expectError(await app.request("/api/runs/NOPE/logs"), 404, "not_found");
});

test("list runs: newest first, filters, stable cursor pagination, bad query values are 400", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await json(await app.request("/api/pipelines/hello/runs", post({ params: { who: `n${i}` } })));
    ids.push(r.id);
    await daemon.settled(r.id);
  }
  const failed = await json(await app.request("/api/pipelines/leaky/runs", post({})));
  await daemon.settled(failed.id);

  const page1 = RunPageSchema.parse(await json(await app.request("/api/runs?pipeline=hello&limit=2")));
  assert.deepEqual(page1.items.map((r) => r.id), [ids[4], ids[3]]);
  // a run created between pages does not shift the next page
  const late = await json(await app.request("/api/pipelines/hello/runs", post({})));
  await daemon.settled(late.id);
  const page2 = RunPageSchema.parse(await json(await app.request(`/api/runs?pipeline=hello&limit=2&cursor=${page1.nextCursor}`)));
  assert.deepEqual(page2.items.map((r) => r.id), [ids[2], ids[1]]);
  const page3 = RunPageSchema.parse(await json(await app.request(`/api/runs?pipeline=hello&limit=2&cursor=${page2.nextCursor}`)));
  assert.deepEqual(page3.items.map((r) => r.id), [ids[0]]);
  assert.equal(page3.nextCursor, null);

  const failedOnly = RunPageSchema.parse(await json(await app.request("/api/runs?state=Failed")));
  assert.deepEqual(failedOnly.items.map((r) => r.id), [failed.id]);
  const future = RunPageSchema.parse(await json(await app.request(`/api/runs?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)));
  assert.deepEqual(future.items, []);
  const sinceMs = RunPageSchema.parse(await json(await app.request("/api/runs?since=0&limit=500")));
  assert.equal(sinceMs.items.length, 7);

  for (const q of ["limit=0", "limit=501", "limit=abc", "state=Done", "since=yesterday", "cursor=%%%", "cursor=bm9wZQ", "bogus=1"]) {
    const res = await app.request(`/api/runs?${q}`);
    assert.equal(res.status, 400, `${q}: ${await res.clone().text()}`);
  }
});

test("cancel a live run (202), cancel an ended one (409), retry it (201, retryOf)", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const run = await json(await app.request("/api/pipelines/gated/runs", post({})));
  while ((await json(await app.request(`/api/runs/${run.id}`))).state !== "Running") await new Promise((r) => setTimeout(r, 5));
  const cancel = await app.request(`/api/runs/${run.id}/cancel`, { method: "POST" });
  assert.equal(cancel.status, 202);
  await daemon.settled(run.id);
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).state, "Cancelled");
  await expectError(await app.request(`/api/runs/${run.id}/cancel`, { method: "POST" }), 409, "conflict");
  await expectError(await app.request("/api/runs/NOPE/cancel", { method: "POST" }), 404, "not_found");

  const retry = await app.request(`/api/runs/${run.id}/retry`, { method: "POST" });
  assert.equal(retry.status, 201);
  const second = RunSchema.parse(await retry.json());
  assert.equal(second.retryOf, run.id);
  assert.equal(second.trigger.kind, "retry");
  await app.request(`/api/runs/${second.id}/cancel`, { method: "POST" });
  await daemon.settled(second.id);
});

test("schedules: list with next slots, pause (no slots) and resume, unknown id 404", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const { items } = ScheduleListSchema.parse(await json(await app.request("/api/schedules")));
  assert.deepEqual(items.map((s) => s.id), ["hello:nightly"]);
  assert.equal(items[0]!.timezone, "Europe/Paris");
  assert.equal(items[0]!.nextSlots.length, 5);
  const paused = ScheduleSchema.parse(await json(await app.request("/api/schedules/hello:nightly/pause", { method: "POST" })));
  assert.equal(paused.paused, true);
  assert.deepEqual(paused.nextSlots, []);
  const resumed = ScheduleSchema.parse(await json(await app.request("/api/schedules/hello%3Anightly/resume", { method: "POST" })));
  assert.equal(resumed.paused, false);
  await expectError(await app.request("/api/schedules/nope/pause", { method: "POST" }), 404, "not_found");
});

test("no secret comes back: logs, errors and params are redacted", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const run = await json(await app.request("/api/pipelines/leaky/runs", post({})));
  await daemon.settled(run.id);
  const texts = await Promise.all([
    app.request(`/api/runs/${run.id}`), app.request(`/api/runs/${run.id}/logs`), app.request("/api/runs"),
  ].map(async (r) => (await r).text()));
  for (const text of texts) {
    assert.doesNotMatch(text, /SECRET123|c2lnbmF0dXJl/);
  }
  assert.match(texts[0]!, /Failed/);
  const withToken = await json(await app.request("/api/pipelines/hello/runs", post({ params: { who: "ema_tokenSECRET123" } })));
  assert.doesNotMatch(JSON.stringify(withToken), /SECRET123/);
  await daemon.settled(withToken.id);
});

test("client mistakes are 4xx with the one error shape, never 500", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  await expectError(await app.request("/nope"), 404, "not_found");
  await expectError(await app.request("/api/runs", { method: "DELETE" }), 404, "not_found");
  await expectError(await app.request("/api/pipelines/hello/runs", post("{not json")), 400, "invalid_json");
  await expectError(await app.request("/api/pipelines/hello/runs", { method: "POST", body: "who=x", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
  await expectError(await app.request("/api/pipelines/hello/runs", post("[1,2]")), 422, "invalid_body");
  await expectError(await app.request("/api/pipelines/hello/runs", post(JSON.stringify({ params: { who: "x".repeat(2_000_000) } }))), 413, "payload_too_large");
  await expectError(await app.request(`/api/runs/${"x".repeat(300)}`), 400, "invalid_request");
  await expectError(await app.request("/api/commits?limit=-1"), 400, "invalid_request");
  await expectError(await app.request("/api/runs/%E0%A4%A"), 404, "not_found");
});

test("OpenAPI 3.1 document and the offline docs page", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const doc = await json(await app.request("/openapi.json"));
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.paths["/api/runs/{id}"].get);
  assert.ok(doc.paths["/api/pipelines/{name}/runs"].post.requestBody);
  assert.deepEqual(doc.paths["/api/runs/{id}"].get.responses["200"].content["application/json"].schema, { $ref: "#/components/schemas/RunDetail" });
  const limit = doc.paths["/api/runs"].get.parameters.find((p: { name: string }) => p.name === "limit");
  assert.equal(limit.required, false);
  assert.equal(limit.schema.maximum, 500);
  assert.ok(doc.components.schemas.Run.properties.state.enum.includes("Running"));
  // every $ref resolves
  for (const m of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) assert.ok(doc.components.schemas[m[1]!], m[1]);
  const page = await app.request("/docs");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy")!, /default-src 'none'/);
  const html = await page.text();
  assert.doesNotMatch(html, /https?:\/\//, "no external asset");
  assert.match(html, /openapi\.json/);
});
