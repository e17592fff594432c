/** /metrics: Prometheus text from a per-app registry, fed by the store, live events and daemon stats. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/api/index.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { hello, leaky } from "./pipelines.ts";

test("runs by pipeline and state, task and run durations, active runs, pipelines, reload errors, lateness", async () => {
  await using daemon = await createTestDaemon({
    pipelines: [hello, leaky],
    stats: { reloadErrorsTotal: 3, scheduleLateness: [{ scheduleId: "hello:nightly", pipeline: "hello", seconds: 1.5 }] },
  });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  const second = createApp(daemon.deps, { host: "127.0.0.1" }); // its own registry: no "already registered"
  for (const name of ["hello", "hello", "leaky"]) {
    const run = await json(await app.request(`/api/pipelines/${name}/runs`, { method: "POST" }));
    await daemon.settled(run.id);
  }
  const res = await app.request("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /text\/plain/);
  const text = await res.text();
  assert.match(text, /^floe_runs\{pipeline="hello",state="Completed"\} 2$/m);
  assert.match(text, /^floe_runs\{pipeline="leaky",state="Failed"\} 1$/m);
  assert.match(text, /^floe_active_runs 0$/m);
  assert.match(text, /^floe_pipelines\{valid="true"\} 2$/m);
  assert.match(text, /^floe_reload_errors_total 3$/m);
  assert.match(text, /^floe_schedule_lateness_seconds\{schedule="hello:nightly",pipeline="hello"\} 1.5$/m);
  assert.match(text, /^floe_task_attempt_duration_seconds_count\{pipeline="hello",state="Completed"\} 4$/m);
  assert.match(text, /^floe_task_attempt_duration_seconds_count\{pipeline="leaky",state="Failed"\} 1$/m);
  assert.match(text, /^floe_run_duration_seconds_count\{pipeline="hello",state="Completed"\} 2$/m);
  assert.match(await (await second.request("/metrics")).text(), /floe_runs\{pipeline="hello",state="Completed"\} 2/);
});
