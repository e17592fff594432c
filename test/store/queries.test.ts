import assert from "node:assert/strict";
import { test } from "node:test";
import {
  InvalidCursorError, applyRunEvents, countRunsByPipelineAndState, countRunsInStates, createTaskRuns, getRunChangeCount, findCachedResult, findStaleRuns,
  getLogs, getSnapshotLineage, heartbeat, listCommits, listRuns, listRunsInStates, recordPipelineVersions, setRunPid,
} from "../../src/store/index.ts";
import { makeRun, tempStore } from "./helpers.ts";

test("listRuns pages newest first with a cursor that stays stable while runs are inserted", async (t) => {
  const store = tempStore(t);
  const runs: [number, string][] = [];
  // Several runs share a millisecond so the id tie-break matters.
  for (let i = 0; i < 25; i++) {
    const at = 1000 + Math.floor(i / 3);
    runs.push([at, await makeRun(store, { createdAt: at, pipeline: i % 2 ? "odd" : "even" })]);
  }
  const expected = runs.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1)).map(([, id]) => id);
  const seen: string[] = [];
  let cursor: string | undefined;
  let page = 0;
  do {
    const result = await listRuns(store, { limit: 7, ...(cursor ? { cursor } : {}) });
    seen.push(...result.items.map((r) => r.id));
    cursor = result.nextCursor ?? undefined;
    // New runs arriving between pages must not shift later pages.
    if (page++ === 0) for (let i = 0; i < 5; i++) await makeRun(store, { createdAt: 5000 + i });
  } while (cursor);
  assert.deepEqual(seen, expected);
  assert.equal((await listRuns(store, { pipeline: "odd", limit: 100 })).items.length, 12);
  assert.equal((await listRuns(store, { since: 5000, limit: 100 })).items.length, 5);
  await assert.rejects(listRuns(store, { cursor: "garbage" }), InvalidCursorError);
});

test("listRuns filters by state; listRunsInStates and countRunsByPipelineAndState", async (t) => {
  const store = tempStore(t);
  const a = await makeRun(store, { createdAt: 1 });
  await makeRun(store, { createdAt: 2 });
  await makeRun(store, { createdAt: 3, pipeline: "q", state: "Scheduled" });
  await applyRunEvents(store, [{ type: "run:transition", runId: a, from: "Pending", to: "Running", at: 5 }]);
  assert.deepEqual((await listRuns(store, { state: "Running" })).items.map((r) => r.id), [a]);
  assert.equal((await listRuns(store, { state: ["Running", "Pending"] })).items.length, 2);
  assert.deepEqual((await listRunsInStates(store, ["Running"])).map((r) => r.id), [a]);
  assert.deepEqual(await countRunsByPipelineAndState(store), [
    { pipeline: "p", state: "Pending", count: 1 },
    { pipeline: "p", state: "Running", count: 1 },
    { pipeline: "q", state: "Scheduled", count: 1 },
  ]);
});

test("getLogs filters by task, minimum level, after seq and limit", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  const levels = ["debug", "info", "warn", "error"] as const;
  await applyRunEvents(store, levels.flatMap((level, i) => [
    { type: "log:line" as const, runId, task: "a", attempt: 1, level, message: `a-${level}`, at: i },
    { type: "log:line" as const, runId, task: "b", attempt: 1, level, message: `b-${level}`, at: i },
  ]));
  assert.equal((await getLogs(store, runId)).length, 8);
  assert.deepEqual((await getLogs(store, runId, { task: "a" })).map((l) => l.message), ["a-debug", "a-info", "a-warn", "a-error"]);
  assert.deepEqual((await getLogs(store, runId, { level: "warn" })).map((l) => l.message), ["a-warn", "b-warn", "a-error", "b-error"]);
  const all = await getLogs(store, runId);
  assert.deepEqual((await getLogs(store, runId, { afterSeq: all[5]!.seq })).map((l) => l.message), ["a-error", "b-error"]);
  assert.deepEqual((await getLogs(store, runId, { limit: 2 })).map((l) => l.message), ["a-debug", "b-debug"]);
  assert.deepEqual(await getLogs(store, "other"), []);
});

test("snapshot lineage: the run that committed it, its version, params and inputs", async (t) => {
  const store = tempStore(t);
  await recordPipelineVersions(store, [{ pipeline: "seasonal", version: "h1", file: "pipelines/seasonal.ts",
    plan: { tasks: ["load", "average", "write"] }, createdAt: 1 }]);
  const runId = await makeRun(store, { pipeline: "seasonal", version: "h1", params: { year: 2020 } });
  const other = await makeRun(store, { pipeline: "other" });
  await applyRunEvents(store, [
    { type: "snapshot:read", runId, task: "load", repo: "org/era5", branch: "main", snapshotId: "IN1", at: 1 },
    { type: "snapshot:read", runId, task: "load", repo: "org/masks", tag: "v2", snapshotId: "IN2", at: 2 },
    { type: "snapshot:commit", runId, task: "write", repo: "org/out", branch: "main", snapshotId: "OUT1",
      parentSnapshotId: "OUT0", message: "seasonal 2020", at: 3 },
    { type: "snapshot:commit", runId: other, repo: "org/out", branch: "dev", snapshotId: "OUT2", message: "x", at: 4 },
  ]);
  const lineage = (await getSnapshotLineage(store, "org/out", "OUT1"))!;
  assert.equal(lineage.run.id, runId);
  assert.deepEqual(lineage.run.params, { year: 2020 });
  assert.deepEqual(lineage.pipelineVersion?.plan, { tasks: ["load", "average", "write"] });
  assert.equal(lineage.commit.parentSnapshotId, "OUT0");
  assert.deepEqual(lineage.reads.map((r) => [r.repo, r.snapshotId, r.branch, r.tag]), [
    ["org/era5", "IN1", "main", null], ["org/masks", "IN2", null, "v2"],
  ]);
  assert.equal(await getSnapshotLineage(store, "org/out", "nope"), undefined);
  assert.equal(await getSnapshotLineage(store, "org/other", "OUT1"), undefined);

  assert.deepEqual((await listCommits(store, { repo: "org/out" })).items.map((c) => c.snapshotId), ["OUT2", "OUT1"]);
  assert.deepEqual((await listCommits(store, { pipeline: "seasonal" })).items.map((c) => c.snapshotId), ["OUT1"]);
  assert.deepEqual((await listCommits(store, { runId: other })).items.map((c) => c.snapshotId), ["OUT2"]);
  const first = await listCommits(store, { limit: 1 });
  assert.deepEqual(first.items.map((c) => c.snapshotId), ["OUT2"]);
  const second = await listCommits(store, { limit: 1, cursor: first.nextCursor! });
  assert.deepEqual(second.items.map((c) => c.snapshotId), ["OUT1"]);
  assert.equal(second.nextCursor, null);
});

test("findCachedResult returns the newest successful result with the key, within the window", async (t) => {
  const store = tempStore(t);
  const complete = async (runId: string, task: string, key: string, at: number, result: string): Promise<void> => {
    await createTaskRuns(store, runId, [task]);
    await applyRunEvents(store, [
      { type: "task:transition", runId, task, from: "Pending", to: "Running", attempt: 1, at: at - 1 },
      { type: "task:transition", runId, task, from: "Running", to: "Completed", attempt: 1, at, resultJson: result, cacheKey: key },
    ]);
  };
  await complete(await makeRun(store), "avg", "k", 100, '"old"');
  await complete(await makeRun(store), "avg", "k", 200, '"new"');
  await complete(await makeRun(store, { pipeline: "other" }), "avg", "k", 300, '"other pipeline"');
  assert.equal((await findCachedResult(store, { pipeline: "p", task: "avg", cacheKey: "k", notBefore: 0 }))?.resultJson, '"new"');
  assert.equal(await findCachedResult(store, { pipeline: "p", task: "avg", cacheKey: "k", notBefore: 201 }), undefined);
  assert.equal(await findCachedResult(store, { pipeline: "p", task: "avg", cacheKey: "x", notBefore: 0 }), undefined);
});

test("liveness: heartbeats, pids and stale runs", async (t) => {
  const store = tempStore(t);
  const live = await makeRun(store, { createdAt: 0 });
  const dead = await makeRun(store, { createdAt: 0 });
  const waiting = await makeRun(store, { createdAt: 0 });
  await applyRunEvents(store, [
    { type: "run:transition", runId: live, from: "Pending", to: "Running", at: 10 },
    { type: "run:transition", runId: dead, from: "Pending", to: "Running", at: 10 },
  ]);
  assert.equal(await setRunPid(store, live, 1234), true);
  assert.equal(await heartbeat(store, [live, "unknown"], 1000), 1);
  assert.deepEqual((await findStaleRuns(store, 500)).map((r) => r.id), [dead]);
  assert.deepEqual((await findStaleRuns(store, 2000)).map((r) => r.id).sort(), [live, dead].sort());
  assert.ok(!(await findStaleRuns(store, 2000)).some((r) => r.id === waiting)); // Pending without a process is not stale
});

test("getRunChangeCount grows with every write that changes a run's detail, not with log lines", async (t) => {
  const store = tempStore(t);
  const runId = await makeRun(store);
  const other = await makeRun(store);
  const count = async (): Promise<number> => (await getRunChangeCount(store, runId))!;
  assert.equal(await getRunChangeCount(store, "nope"), undefined);
  let last = await count();
  const grew = async (): Promise<boolean> => {
    const now = await count();
    const up = now > last;
    last = now;
    return up;
  };
  await createTaskRuns(store, runId, ["a"]);
  assert.ok(await grew(), "task rows created");
  await applyRunEvents(store, [{ type: "log:line", runId, level: "info", message: "hi", at: 1 }]);
  assert.ok(!await grew(), "a log line leaves the detail alone");
  await applyRunEvents(store, [{ type: "task:transition", runId, task: "a", from: "Pending", to: "Running", attempt: 1, at: 2 }]);
  assert.ok(await grew(), "task transition");
  await applyRunEvents(store, [{ type: "task:create", runId, task: "b", parent: "b", mapIndex: null, at: 3 }]);
  assert.ok(await grew(), "task:create");
  await applyRunEvents(store, [{ type: "snapshot:read", runId, repo: "o/r", snapshotId: "S1", at: 4 }]);
  assert.ok(await grew(), "snapshot read");
  await applyRunEvents(store, [{ type: "snapshot:commit", runId, repo: "o/r", branch: "main", snapshotId: "S2", message: "m", at: 5 }]);
  assert.ok(await grew(), "commit");
  await applyRunEvents(store, [{ type: "run:transition", runId, from: "Pending", to: "Running", at: 6 }]);
  assert.ok(await grew(), "run transition");
  const before = await getRunChangeCount(store, other);
  await applyRunEvents(store, [{ type: "task:transition", runId, task: "a", from: "Running", to: "Completed", attempt: 1, at: 7 }]);
  assert.equal(await getRunChangeCount(store, other), before, "another run's counter stays");
});

test("countRunsInStates counts with one query", async (t) => {
  const store = tempStore(t);
  const a = await makeRun(store);
  await makeRun(store);
  await applyRunEvents(store, [{ type: "run:transition", runId: a, from: "Pending", to: "Running", at: 1 }]);
  assert.equal(await countRunsInStates(store, ["Running"]), 1);
  assert.equal(await countRunsInStates(store, ["Pending", "Running"]), 2);
  assert.equal(await countRunsInStates(store, []), 0);
});
