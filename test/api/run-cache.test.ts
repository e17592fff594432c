/** Run details are served from a cache, yet any later change to a run shows on the next read. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/api/index.ts";
import { applyRunEvents, createRun } from "../../src/store/index.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { hello } from "./pipelines.ts";

test("a crashed run's task finalized after the crash is visible on the next read", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  const { store } = daemon;
  const { run } = await createRun(store, { pipeline: "hello", version: "v", params: {}, trigger: { kind: "manual" } });
  const at = Date.now();
  await applyRunEvents(store, [
    { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at },
    { type: "task:create", runId: run.id, task: "greet", parent: "greet", mapIndex: null, at },
    { type: "task:transition", runId: run.id, task: "greet", from: "Pending", to: "Running", at, attempt: 1 },
  ]);
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).tasks[0].state, "Running");
  await applyRunEvents(store, [{ type: "run:transition", runId: run.id, from: "Running", to: "Crashed", at: at + 1, reason: "process gone" }]);
  const crashed = await json(await app.request(`/api/runs/${run.id}`));
  assert.equal(crashed.state, "Crashed");
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).tasks[0].state, "Running"); // cached
  await applyRunEvents(store, [{ type: "task:transition", runId: run.id, task: "greet", from: "Running", to: "Cancelled", at: at + 2, attempt: 1 }]);
  // written behind the daemon's back (no live event): visible once the entry is re-checked
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await json(await app.request(`/api/runs/${run.id}`))).tasks[0].state, "Cancelled");
});

test("an active run's detail is cached yet shows every write at once, even one made behind the daemon's back", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  const { store } = daemon;
  const { run } = await createRun(store, { pipeline: "hello", version: "v", params: {}, trigger: { kind: "manual" } });
  const at = Date.now();
  await applyRunEvents(store, [
    { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at },
    { type: "task:create", runId: run.id, task: "greet", parent: "greet", mapIndex: null, at },
  ]);
  const read = async (): Promise<{ state: string; tasks: { task: string; state: string }[]; snapshotsRead: unknown[] }> =>
    json(await app.request(`/api/runs/${run.id}`));
  const first = await app.request(`/api/runs/${run.id}`);
  const body = await first.text();
  assert.equal(await (await app.request(`/api/runs/${run.id}`)).text(), body, "unchanged run: the same body");
  await applyRunEvents(store, [{ type: "task:transition", runId: run.id, task: "greet", from: "Pending", to: "Running", at, attempt: 1 }]);
  assert.equal((await read()).tasks[0]!.state, "Running");
  await applyRunEvents(store, [{ type: "task:create", runId: run.id, task: "item[0]", parent: "item", mapIndex: 0, at }]);
  assert.deepEqual((await read()).tasks.map((t) => t.task).sort(), ["greet", "item[0]"]);
  await applyRunEvents(store, [{ type: "snapshot:read", runId: run.id, repo: "o/r", snapshotId: "S1", at }]);
  assert.equal((await read()).snapshotsRead.length, 1);
  await applyRunEvents(store, [{ type: "log:line", runId: run.id, level: "info", message: "hi", at }]);
  assert.equal((await read()).state, "Running");
  assert.equal((await app.request("/api/runs/01JUNKNOWNRUN0000000000000")).status, 404);
});
