import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunEvent } from "../../src/core/events.ts";
import {
  applyRunEvents, createStoreSink, createTaskRuns, getLogs, getRun, getRunEvents, getRunSnapshots, listLeases,
  tryAcquireLease,
} from "../../src/store/index.ts";
import { makeRun, tempStore } from "./helpers.ts";

test("a valid run path sets timings, attempts, results and appends one event per transition", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store, { createdAt: 1 });
  await createTaskRuns(store, runId, ["a"]);
  const result = await applyRunEvents(store, [
    { type: "run:transition", runId, from: "Pending", to: "Running", at: 10 },
    { type: "task:transition", runId, task: "a", from: "Pending", to: "Running", attempt: 1, at: 11 },
    { type: "task:transition", runId, task: "a", from: "Running", to: "AwaitingRetry", attempt: 1, at: 12, retryAt: 20,
      error: { name: "Error", message: "flaky", stack: "Error: flaky\n    at x" } },
    { type: "task:transition", runId, task: "a", from: "AwaitingRetry", to: "Running", attempt: 2, at: 20 },
    { type: "task:transition", runId, task: "a", from: "Running", to: "Completed", attempt: 2, at: 25,
      resultJson: '{"n":1}', cacheKey: "ck" },
    { type: "run:transition", runId, from: "Running", to: "Completed", at: 30 },
  ]);
  assert.deepEqual(result, { applied: 6, rejected: [] });
  const run = (await getRun(store, runId))!;
  assert.equal(run.state, "Completed");
  assert.equal(run.startedAt, 10);
  assert.equal(run.endedAt, 30);
  const [a] = run.tasks;
  assert.deepEqual(
    { state: a!.state, attempts: a!.attempts, startedAt: a!.startedAt, endedAt: a!.endedAt, error: a!.error,
      resultJson: a!.resultJson, cacheKey: a!.cacheKey, retryAt: a!.retryAt },
    { state: "Completed", attempts: 2, startedAt: 11, endedAt: 25, error: null, resultJson: '{"n":1}', cacheKey: "ck",
      retryAt: null },
  );
  const events = await getRunEvents(store, runId);
  assert.deepEqual(events.map((e) => [e.task, e.from, e.to]), [
    [null, null, "Pending"], [null, "Pending", "Running"], ["a", "Pending", "Running"], ["a", "Running", "AwaitingRetry"],
    ["a", "AwaitingRetry", "Running"], ["a", "Running", "Completed"], [null, "Running", "Completed"],
  ]);
  assert.equal(events[3]!.reason, "flaky");
  assert.equal(events[4]!.attempt, 2);
});

test("a failed task keeps its error with stack, redacted", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  await createTaskRuns(store, runId, ["a"]);
  await applyRunEvents(store, [
    { type: "task:transition", runId, task: "a", from: "Pending", to: "Running", attempt: 1, at: 1 },
    { type: "task:transition", runId, task: "a", from: "Running", to: "Failed", attempt: 1, at: 2,
      error: { name: "Error", message: "bad token ema_abc123", stack: "Error: bad token ema_abc123\n    at f (x.ts:1:1)" } },
  ]);
  const a = (await getRun(store, runId))!.tasks[0]!;
  assert.equal(a.state, "Failed");
  assert.equal(a.endedAt, 2);
  assert.equal(a.error?.message, "bad token ema_***");
  assert.match(a.error?.stack ?? "", /at f \(x\.ts:1:1\)/);
  assert.doesNotMatch(JSON.stringify(a.error), /abc123/);
});

test("a transition not in the table is rejected and changes nothing", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  await createTaskRuns(store, runId, ["a"]);
  const result = await applyRunEvents(store, [
    { type: "task:transition", runId, task: "a", from: "Pending", to: "Completed", attempt: 1, at: 1 },
  ]);
  assert.equal(result.applied, 0);
  assert.equal(result.rejected[0]?.reason, "not-allowed");
  assert.equal((await getRun(store, runId))!.tasks[0]!.state, "Pending");
  assert.equal((await getRunEvents(store, runId)).length, 1);
});

test("a terminal state never changes again; a stale `from` is a state-mismatch", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  await applyRunEvents(store, [
    { type: "run:transition", runId, from: "Pending", to: "Running", at: 1 },
    { type: "run:transition", runId, from: "Running", to: "Failed", at: 2, error: { name: "Error", message: "boom" } },
  ]);
  // The table has no edge out of Failed, and a forged `from` misses the compare-and-set.
  const result = await applyRunEvents(store, [
    { type: "run:transition", runId, from: "Failed", to: "Running", at: 3 },
    { type: "run:transition", runId, from: "Running", to: "Completed", at: 3 },
    { type: "run:transition", runId, from: "Pending", to: "Crashed", at: 3 },
  ]);
  assert.deepEqual(result.rejected.map((r) => [r.index, r.reason, r.currentState]), [
    [0, "not-allowed", null], [1, "state-mismatch", "Failed"], [2, "state-mismatch", "Failed"],
  ]);
  const run = (await getRun(store, runId))!;
  assert.equal(run.state, "Failed");
  assert.equal(run.endedAt, 2);
  assert.equal(run.error?.message, "boom");
});

test("a mixed batch applies everything valid around its rejections, in one transaction", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  const events: RunEvent[] = [
    { type: "task:create", runId, task: "m[0]", parent: "m", mapIndex: 0, at: 1 },
    { type: "task:create", runId, task: "m[1]", parent: "m", mapIndex: 1, at: 1 },
    { type: "task:transition", runId, task: "m[0]", from: "Pending", to: "Running", attempt: 1, at: 2 },
    { type: "task:transition", runId, task: "m[0]", from: "Pending", to: "Running", attempt: 1, at: 2 }, // duplicate
    { type: "task:transition", runId, task: "nope", from: "Pending", to: "Running", attempt: 1, at: 2 }, // no row
    { type: "log:line", runId, task: "m[0]", attempt: 1, level: "info", message: "hello Bearer abc.def", at: 3 },
    { type: "log:line", runId: "missing-run", level: "info", message: "orphan", at: 3 }, // foreign key
    { type: "task:create", runId: "missing-run", task: "x", parent: "x", mapIndex: null, at: 3 }, // foreign key
    { type: "snapshot:read", runId, task: "m[0]", repo: "org/in", branch: "main", snapshotId: "S1", at: 4 },
    { type: "snapshot:commit", runId, task: "m[0]", repo: "org/out", branch: "main", snapshotId: "S2",
      parentSnapshotId: "S0", message: "write", at: 5 },
    { type: "snapshot:commit", runId: "missing-run", repo: "org/out", branch: "main", snapshotId: "S3", message: "x", at: 5 },
    { type: "task:transition", runId, task: "m[0]", from: "Running", to: "Completed", attempt: 1, at: 6, resultJson: "1" },
    { type: "task:transition", runId, task: "m[1]", from: "Pending", to: "Skipped", attempt: 0, at: 6, reason: "upstream" },
  ];
  const result = await applyRunEvents(store, events);
  assert.equal(result.applied, 8);
  assert.deepEqual(result.rejected.map((r) => [r.index, r.reason]), [
    [3, "state-mismatch"], [4, "not-found"], [6, "error"], [7, "error"], [10, "not-found"],
  ]);
  assert.equal(result.rejected[0]!.event, events[3]);
  const run = (await getRun(store, runId))!;
  assert.deepEqual(run.tasks.map((x) => [x.task, x.state, x.endedAt]), [["m[0]", "Completed", 6], ["m[1]", "Skipped", 6]]);
  assert.deepEqual((await getLogs(store, runId)).map((l) => l.message), ["hello Bearer ***"]);
  const snaps = await getRunSnapshots(store, runId);
  assert.deepEqual(snaps.reads.map((r) => r.snapshotId), ["S1"]);
  assert.deepEqual(snaps.commits.map((c) => [c.pipeline, c.snapshotId, c.parentSnapshotId]), [["p", "S2", "S0"]]);
});

test("a terminal run transition frees the run's pool leases", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  assert.ok(await tryAcquireLease(store, { pool: "w", limit: 1, holder: `${runId}/a`, runId, expiresAt: 1e15, now: 0 }));
  await applyRunEvents(store, [
    { type: "run:transition", runId, from: "Pending", to: "Running", at: 1 },
    { type: "run:transition", runId, from: "Running", to: "Crashed", at: 2, reason: "exit code 137" },
  ]);
  assert.deepEqual(await listLeases(store, 0, "w"), []);
});

test("createStoreSink batches per tick, flush() makes everything durable, rejections are reported", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  const rejected: string[] = [];
  const sink = createStoreSink(store, { maxBatch: 50, onRejected: (r) => rejected.push(...r.map((x) => x.reason)) });
  for (let i = 0; i < 120; i++) sink.emit({ type: "task:create", runId, task: `t${i}`, parent: `t${i}`, mapIndex: null, at: 1 });
  await sink.flush();
  assert.equal(sink.stats.batches, 3); // two full batches started at once, the last 20 events at flush
  for (let i = 0; i < 120; i++) {
    sink.emit({ type: "task:transition", runId, task: `t${i}`, from: "Pending", to: "Running", attempt: 1, at: 2 });
  }
  sink.emit({ type: "task:transition", runId, task: "t0", from: "Pending", to: "Running", attempt: 1, at: 2 });
  await sink.flush();
  assert.deepEqual(rejected, ["state-mismatch"]);
  assert.equal(sink.stats.written, 240);
  const tasks = (await getRun(store, runId))!.tasks;
  assert.equal(tasks.length, 120);
  assert.ok(tasks.every((x) => x.state === "Running"));
  // The tick path: emit, then let setImmediate run without calling flush().
  sink.emit({ type: "log:line", runId, level: "warn", message: "tick", at: 3 });
  await new Promise((r) => setImmediate(r));
  assert.equal((await getLogs(store, runId)).length, 1);
});

test("createStoreSink surfaces a write failure on the next flush()", async (t) => {
  const store = tempStore(t);
  const sink = createStoreSink(store);
  await store.close();
  sink.emit({ type: "log:line", runId: "r", level: "info", message: "x", at: 1 });
  await assert.rejects(sink.flush());
  await sink.flush(); // the failure is reported once
});

test("a coalesced chain whose compare-and-set misses is rejected whole and leaves no event rows", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  await createTaskRuns(store, runId, ["a", "b"]);
  await applyRunEvents(store, [{ type: "task:transition", runId, task: "a", from: "Pending", to: "Skipped", attempt: 0, at: 1 }]);
  const before = (await getRunEvents(store, runId)).length;
  const result = await applyRunEvents(store, [
    { type: "task:transition", runId, task: "a", from: "Pending", to: "Running", attempt: 1, at: 2 },
    { type: "task:transition", runId, task: "b", from: "Pending", to: "Running", attempt: 1, at: 2 },
    { type: "task:transition", runId, task: "a", from: "Running", to: "Completed", attempt: 1, at: 3 },
  ]);
  assert.deepEqual(result.rejected.map((r) => [r.index, r.reason, r.currentState]), [
    [0, "state-mismatch", "Skipped"], [2, "state-mismatch", "Skipped"],
  ]);
  assert.equal(result.applied, 1);
  assert.deepEqual((await getRunEvents(store, runId)).slice(before).map((e) => [e.task, e.to]), [["b", "Running"]]);
  assert.equal((await getRun(store, runId))!.tasks[0]!.state, "Skipped");
});

test("task:create of an existing row is a no-op; its transitions compare-and-set against the stored row", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  await createTaskRuns(store, runId, ["a"]);
  const result = await applyRunEvents(store, [
    { type: "task:create", runId, task: "a", parent: "a", mapIndex: null, at: 1 },
    { type: "task:transition", runId, task: "a", from: "Pending", to: "Running", attempt: 1, at: 2 },
    { type: "task:create", runId, task: "n", parent: "n", mapIndex: null, at: 3 },
    { type: "task:transition", runId, task: "n", from: "Pending", to: "Cached", attempt: 0, at: 4, resultJson: "7" },
  ]);
  assert.deepEqual(result, { applied: 4, rejected: [] });
  const tasks = (await getRun(store, runId))!.tasks;
  assert.deepEqual(tasks.map((x) => [x.task, x.state, x.startedAt, x.endedAt, x.resultJson]), [
    ["a", "Running", 2, null, null], ["n", "Cached", null, 4, "7"],
  ]);
});

test("large batches keep event order across multi-row chunks", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  const n = 257;
  const events: RunEvent[] = [];
  for (let i = 0; i < n; i++) events.push({ type: "task:create", runId, task: `t${i}`, parent: `t${i}`, mapIndex: null, at: i });
  for (let i = 0; i < n; i++) {
    events.push({ type: "task:transition", runId, task: `t${i}`, from: "Pending", to: "Running", attempt: 1, at: 1000 + i });
    events.push({ type: "log:line", runId, task: `t${i}`, level: "info", message: `m${i}`, at: 1000 + i });
  }
  assert.deepEqual((await applyRunEvents(store, events)).rejected, []);
  const rows = (await getRunEvents(store, runId)).filter((e) => e.task !== null);
  assert.deepEqual(rows.map((e) => e.at), Array.from({ length: n }, (_, i) => 1000 + i));
  assert.deepEqual((await getLogs(store, runId)).map((l) => l.message), Array.from({ length: n }, (_, i) => `m${i}`));
  await assert.rejects(createTaskRuns(store, "no-such-run", ["x"]), /FOREIGN KEY/);
});

test("a multi-row chunk with one stale task rejects that task alone; the rest of the chunk applies", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  const n = 123; // one chunk of 100, two of 10, three single rows
  const names = Array.from({ length: n }, (_, i) => `t${i}`);
  await createTaskRuns(store, runId, names);
  // t42 (in the 100-row chunk) and t105 (in a 10-row chunk) already ended behind this batch's back
  await applyRunEvents(store, ["t42", "t105"].map((task) => ({ type: "task:transition" as const, runId, task, from: "Pending" as const, to: "Skipped" as const, attempt: 0, at: 1 })));
  const before = (await getRunEvents(store, runId)).length;
  const events: RunEvent[] = names.flatMap((task, i): RunEvent[] => [
    { type: "task:transition", runId, task, from: "Pending", to: "Running", attempt: 1, at: 10 + i },
    { type: "task:transition", runId, task, from: "Running", to: "Completed", attempt: 1, at: 500 + i, resultJson: `${i}` },
  ]);
  const result = await applyRunEvents(store, events);
  assert.deepEqual(result.rejected.map((r) => [r.event.type === "task:transition" && r.event.task, r.reason, r.currentState]), [
    ["t42", "state-mismatch", "Skipped"], ["t42", "state-mismatch", "Skipped"],
    ["t105", "state-mismatch", "Skipped"], ["t105", "state-mismatch", "Skipped"],
  ]);
  assert.equal(result.applied, 2 * (n - 2));
  const tasks = new Map((await getRun(store, runId))!.tasks.map((x) => [x.task, x]));
  assert.equal(tasks.get("t42")!.state, "Skipped");
  assert.equal(tasks.get("t105")!.state, "Skipped");
  assert.deepEqual([...tasks.values()].filter((x) => x.state === "Completed").length, n - 2);
  assert.deepEqual(
    [tasks.get("t0"), tasks.get("t122")].map((x) => [x!.attempts, x!.startedAt, x!.endedAt, x!.resultJson]),
    [[1, 10, 500, "0"], [1, 132, 622, "122"]],
  );
  const added = (await getRunEvents(store, runId)).slice(before);
  assert.equal(added.length, 2 * (n - 2));
  assert.ok(added.every((e) => e.task !== "t42" && e.task !== "t105"));
});

test("creates folded with their transitions go in many rows per statement; an existing row falls back to compare-and-set", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  await createTaskRuns(store, runId, [{ task: "m[3]", parent: "m", mapIndex: 3 }]);
  await applyRunEvents(store, [{ type: "task:transition", runId, task: "m[3]", from: "Pending", to: "Running", attempt: 1, at: 1 }]);
  const events: RunEvent[] = [];
  for (let i = 0; i < 20; i++) {
    const task = `m[${i}]`;
    events.push({ type: "task:create", runId, task, parent: "m", mapIndex: i, at: 2 });
    events.push({ type: "task:transition", runId, task, from: "Pending", to: "Running", attempt: 1, at: 3 });
  }
  const result = await applyRunEvents(store, events);
  assert.deepEqual(result.rejected.map((r) => [r.index, r.reason, r.currentState]), [[7, "state-mismatch", "Running"]]);
  const tasks = (await getRun(store, runId))!.tasks.filter((x) => x.parent === "m");
  assert.equal(tasks.length, 20);
  assert.ok(tasks.every((x) => x.state === "Running"));
  assert.deepEqual(tasks.find((x) => x.task === "m[5]")!.mapIndex, 5);
  assert.equal(tasks.find((x) => x.task === "m[3]")!.startedAt, 1);
});
