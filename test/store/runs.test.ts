import assert from "node:assert/strict";
import { test } from "node:test";
import { createRun, createTaskRuns, getRun, getRunEvents, listRuns } from "../../src/store/index.ts";
import { tempStore } from "./helpers.ts";

const base = { pipeline: "p", version: "v1", params: { year: 2024 }, trigger: { kind: "api" as const } };

test("createRun is idempotent on (pipeline, idempotencyKey)", async (t) => {
  const store = tempStore(t);
  const a = await createRun(store, { ...base, idempotencyKey: "k1", createdAt: 1000 });
  const b = await createRun(store, { ...base, idempotencyKey: "k1", params: { year: 1999 }, createdAt: 2000 });
  assert.equal(a.created, true);
  assert.equal(b.created, false);
  assert.equal(b.run.id, a.run.id);
  assert.deepEqual(b.run.params, { year: 2024 });
  // Same key, other pipeline: a different run.
  const c = await createRun(store, { ...base, pipeline: "q", idempotencyKey: "k1" });
  assert.equal(c.created, true);
  assert.equal((await listRuns(store)).items.length, 2);
});

test("createRun is idempotent on (scheduleId, slotAt)", async (t) => {
  const store = tempStore(t);
  const input = { ...base, trigger: { kind: "schedule" as const, detail: { schedule: "nightly" } },
    scheduleId: "p:nightly", slotAt: 86_400_000, state: "Scheduled" as const };
  const a = await createRun(store, input);
  const b = await createRun(store, input);
  assert.equal(a.created, true);
  assert.equal(b.created, false);
  assert.equal(b.run.id, a.run.id);
  assert.equal(a.run.state, "Scheduled");
  assert.deepEqual(a.run.trigger, { kind: "schedule", detail: { schedule: "nightly" } });
  assert.equal((await createRun(store, { ...input, slotAt: 2 * 86_400_000 })).created, true);
});

test("createRun records the creation event, redacts params, and keeps retryOf", async (t) => {
  const store = tempStore(t);
  const first = (await createRun(store, { ...base, params: { token: "ema_secret123" }, createdAt: 5 })).run;
  assert.deepEqual(first.params, { token: "ema_***" });
  assert.equal(first.state, "Pending");
  assert.deepEqual((await getRunEvents(store, first.id)).map((e) => [e.from, e.to, e.reason]), [[null, "Pending", "created"]]);
  const retry = (await createRun(store, { ...base, trigger: { kind: "retry" }, retryOf: first.id })).run;
  assert.equal(retry.retryOf, first.id);
});

test("createTaskRuns inserts Pending rows in plan order and ignores existing ones", async (t) => {
  const store = tempStore(t);
  const { run } = await createRun(store, base);
  assert.equal(await createTaskRuns(store, run.id, ["load", "average", { task: "write" }]), 3);
  assert.equal(await createTaskRuns(store, run.id, ["load", { task: "items[0]", parent: "items", mapIndex: 0 }]), 1);
  const tasks = (await getRun(store, run.id))!.tasks;
  assert.deepEqual(tasks.map((x) => [x.task, x.parent, x.mapIndex, x.state, x.attempts]), [
    ["load", "load", null, "Pending", 0],
    ["average", "average", null, "Pending", 0],
    ["write", "write", null, "Pending", 0],
    ["items[0]", "items", 0, "Pending", 0],
  ]);
});
