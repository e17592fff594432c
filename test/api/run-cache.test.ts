/** Ended runs are served from a cache, yet any later change to them (an event) shows at once. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/api/index.ts";
import { applyRunEvents, createRun } from "../../src/store/index.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { hello } from "./pipelines.ts";

test("a crashed run's task finalized after the crash is visible on the next read", async () => {
  await using daemon = createTestDaemon({ pipelines: [hello] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  const { store } = daemon;
  const { run } = createRun(store, { pipeline: "hello", version: "v", params: {}, trigger: { kind: "manual" } });
  const at = Date.now();
  applyRunEvents(store, [
    { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at },
    { type: "task:create", runId: run.id, task: "greet", parent: "greet", mapIndex: null, at },
    { type: "task:transition", runId: run.id, task: "greet", from: "Pending", to: "Running", at, attempt: 1 },
  ]);
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).tasks[0].state, "Running");
  applyRunEvents(store, [{ type: "run:transition", runId: run.id, from: "Running", to: "Crashed", at: at + 1, reason: "process gone" }]);
  const crashed = await json(await app.request(`/api/runs/${run.id}`));
  assert.equal(crashed.state, "Crashed");
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).tasks[0].state, "Running"); // cached
  applyRunEvents(store, [{ type: "task:transition", runId: run.id, task: "greet", from: "Running", to: "Cancelled", at: at + 2, attempt: 1 }]);
  // written behind the daemon's back (no live event): visible once the entry is re-checked
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).tasks[0].state, "Cancelled");
});
