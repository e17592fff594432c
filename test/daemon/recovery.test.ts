/**
 * Recovery on real PostgreSQL, at the level of the store and the daemon's modules: the lease-expiry reaper ends a
 * lost run (Crashed, fence bumped, resumed with `resume: true`), even with two reapers racing; a restarted node's
 * reconcile touches only its own runs and pool leases; node ids are stable and refused when a live node holds one.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, before, describe, test } from "node:test";
import { PipelineSpecSchema, type PipelineSpec } from "../../schemas/pipeline.ts";
import { createLogger } from "../../src/daemon/logger.ts";
import { NodeIdError, NodeIdInUseError } from "../../src/daemon/errors.ts";
import { resolveNodeId } from "../../src/daemon/node-id.ts";
import { startNodePresence } from "../../src/daemon/node-presence.ts";
import { createLeaseReaper } from "../../src/daemon/reaper.ts";
import { reconcileNode } from "../../src/daemon/reconcile-node.ts";
import {
  applyRunEvents, claimRuns, createRun, createTaskRuns, getRun, heartbeatNode, listClaimsOf, listLeases, listRuns, renewClaims,
  tryAcquireLease, type RunRecord, type Store,
} from "../../src/store/index.ts";
import { postgresAdapter, type Adapter } from "../store/adapters.ts";

let pg: Adapter;
before(async () => {
  pg = await postgresAdapter();
});
after(() => pg?.cleanup());

const log = createLogger("json", () => undefined, Date.now, "info");
const spec = (name: string, options: Record<string, unknown>): PipelineSpec =>
  PipelineSpecSchema.parse({ name, ...options, tasks: [{ name: "a" }, { name: "b", needs: ["a"] }] });
const SPECS: Record<string, PipelineSpec> = {
  resumable: spec("resumable", { resume: true }),
  plain: spec("plain", {}),
};
const specOf = (run: RunRecord): PipelineSpec | undefined => SPECS[run.pipeline];

/** A run claimed by `node` at `now` (lease `leaseMs`), Running with task a Completed and b Running. */
async function running(store: Store, pipeline: string, node: string, now: number, leaseMs: number): Promise<{ id: string; fence: number }> {
  const { run } = await createRun(store, { pipeline, version: "v1", params: { n: 1 }, trigger: { kind: "manual" }, createdAt: now });
  await createTaskRuns(store, run.id, ["a", "b"]);
  const [claim] = await claimRuns(store, { node, limit: 1, now, leaseMs });
  assert.equal(claim?.run.id, run.id);
  const fences = new Map([[run.id, claim!.fence]]);
  const at = now + 1;
  const { rejected } = await applyRunEvents(store, [
    { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at },
    { type: "task:transition", runId: run.id, task: "a", from: "Pending", to: "Running", at, attempt: 1 },
    { type: "task:transition", runId: run.id, task: "a", from: "Running", to: "Completed", at, attempt: 1, resultJson: "1" },
    { type: "task:transition", runId: run.id, task: "b", from: "Pending", to: "Running", at, attempt: 1 },
  ], { fences });
  assert.deepEqual(rejected, []);
  return { id: run.id, fence: claim!.fence };
}

describe("lease-expiry reaper", () => {
  test("an expired run becomes Crashed, its old holder is fenced out, and resume: true makes one Pending resume", async () => {
    const store = await pg.open();
    let now = 10_000;
    const lost = await running(store, "resumable", "w1", now, 3_000);
    const alive = await running(store, "resumable", "w2", now, 60_000);
    const reapers = ["s1", "s2"].map((node) => createLeaseReaper({ store, node, everyMs: 60_000, leaseMs: 30_000, specOf, now: () => now, log }));
    assert.deepEqual(await reapers[0]!.sweep(), [], "nothing has expired yet");
    now = 13_000;
    // two reapers at once (two leaders for a moment): still one end and one resume
    const done = (await Promise.all(reapers.map((r) => r.sweep()))).flat();
    assert.equal(done.length, 1);
    assert.equal(done[0]!.end, "Crashed");
    const old = (await getRun(store, lost.id))!;
    assert.equal(old.state, "Crashed");
    assert.match(old.error?.message ?? "", /node w1 lost this run: its lease expired/);
    assert.deepEqual(old.tasks.map((t) => [t.task, t.state]), [["a", "Completed"], ["b", "Failed"]]);
    const runs = await listRuns(store, { pipeline: "resumable" });
    const resumed = runs.items.filter((r) => r.retryOf === lost.id);
    assert.equal(resumed.length, 1);
    assert.equal(resumed[0]!.id, done[0]!.next?.id);
    assert.equal(resumed[0]!.state, "Pending");
    assert.deepEqual(resumed[0]!.params, { n: 1 });
    assert.deepEqual(resumed[0]!.trigger, { kind: "retry", detail: { resumes: 1, retries: 0, resumeOf: lost.id } });
    assert.equal((await getRun(store, alive.id))!.state, "Running", "a run with a live lease is left alone");
    // w1 comes back: its renewals and writes are refused
    assert.deepEqual(await renewClaims(store, "w1", [{ runId: lost.id, fence: lost.fence }], now + 3_000), [lost.id]);
    const late = await applyRunEvents(store, [{ type: "log:line", runId: lost.id, level: "info", message: "from w1", at: now }], { fences: new Map([[lost.id, lost.fence]]) });
    assert.deepEqual(late.rejected.map((r) => r.reason), ["fenced"]);
    assert.deepEqual(await listClaimsOf(store, "s1"), [], "the reaper released what it ended");
    assert.deepEqual(await listClaimsOf(store, "s2"), []);
    // any worker claims the resume
    const [claim] = await claimRuns(store, { node: "w3", limit: 5, now, leaseMs: 3_000 });
    assert.equal(claim?.run.id, resumed[0]!.id);
  });

  test("without resume the run is only Crashed; Cancelling becomes Cancelled; an expired Pending claim is released", async () => {
    const store = await pg.open();
    const now = 50_000;
    const plain = await running(store, "plain", "w1", now, 1_000);
    const cancelling = await running(store, "resumable", "w1", now + 1, 1_000);
    await applyRunEvents(store, [{ type: "run:transition", runId: cancelling.id, from: "Running", to: "Cancelling", at: now + 2 }]);
    const { run: waiting } = await createRun(store, { pipeline: "plain", version: "v1", params: {}, trigger: { kind: "manual" }, createdAt: now + 3 });
    assert.equal((await claimRuns(store, { node: "w1", limit: 1, now: now + 3, leaseMs: 1_000 }))[0]?.run.id, waiting.id);
    const reaper = createLeaseReaper({ store, node: "s1", everyMs: 60_000, leaseMs: 30_000, specOf, now: () => now + 5_000, log });
    const done = await reaper.sweep();
    assert.deepEqual(done.map((d) => [d.runId, d.end, d.next]), [[plain.id, "Crashed", undefined], [cancelling.id, "Cancelled", undefined], [waiting.id, undefined, undefined]]);
    assert.equal((await getRun(store, waiting.id))!.state, "Pending");
    assert.deepEqual(await listClaimsOf(store, "w1"), []);
    assert.equal((await listRuns(store, { pipeline: "plain" })).items.filter((r) => r.retryOf !== null).length, 0);
  });
});

describe("a restarted node's reconcile", () => {
  test("ends and resumes only its own runs and drops only its own pool leases", async () => {
    const store = await pg.open();
    const now = Date.now();
    const mine = await running(store, "resumable", "node-a", now, 60_000);
    const theirs = await running(store, "resumable", "node-b", now + 1, 60_000);
    const { run: claimedOnly } = await createRun(store, { pipeline: "plain", version: "v1", params: {}, trigger: { kind: "manual" }, createdAt: now + 2 });
    assert.equal((await claimRuns(store, { node: "node-a", limit: 1, now: now + 2, leaseMs: 60_000 }))[0]?.run.id, claimedOnly.id);
    for (const [run, holder] of [[mine.id, "a#1"], [theirs.id, "b#1"]] as const) {
      assert.ok(await tryAcquireLease(store, { pool: "gpu", limit: 4, holder, runId: run, expiresAt: now + 60_000, now }));
    }
    const result = await reconcileNode({ store, node: "node-a", leaseMs: 30_000, specOf, now: () => now + 10, log });
    assert.deepEqual(result.crashed, [mine.id]);
    assert.equal(result.resumed.length, 1);
    assert.deepEqual(result.requeued, [claimedOnly.id]);
    assert.equal((await getRun(store, mine.id))!.state, "Crashed");
    assert.equal((await getRun(store, result.resumed[0]!.to))!.state, "Pending");
    assert.equal((await getRun(store, theirs.id))!.state, "Running", "another node's run is not touched");
    assert.deepEqual((await listClaimsOf(store, "node-b")).map((c) => [c.run.id, c.fence]), [[theirs.id, theirs.fence]]);
    assert.deepEqual(await listClaimsOf(store, "node-a"), []);
    assert.deepEqual((await listLeases(store, now)).map((l) => l.holder), ["b#1"], "another node's pool lease is kept");
  });
});

describe("node ids", () => {
  test("--node-id, then FLOE_NODE_ID, then host name + a hash of the state folder", () => {
    assert.equal(resolveNodeId({ flag: "w-1", env: { FLOE_NODE_ID: "env-1" }, stateDir: "/s" }), "w-1");
    assert.equal(resolveNodeId({ env: { FLOE_NODE_ID: "env-1" }, stateDir: "/s" }), "env-1");
    const a = resolveNodeId({ env: {}, stateDir: "/srv/a/state", host: "build 01" });
    assert.match(a, /^build-01-[0-9a-f]{8}$/);
    assert.equal(resolveNodeId({ env: {}, stateDir: "/srv/a/state/", host: "build 01" }), a, "stable for the same folder");
    assert.notEqual(resolveNodeId({ env: {}, stateDir: "/srv/b/state", host: "build 01" }), a);
    assert.throws(() => resolveNodeId({ env: { FLOE_NODE_ID: "two words" }, stateDir: "/s" }), (e: unknown) =>
      e instanceof NodeIdError && /FLOE_NODE_ID "two words" is not a node id: expected 1-100 letters/.test(e.message));
  });

  test("a node id a live node elsewhere reports is refused; this host's dead predecessor is not in the way", async () => {
    const store = await pg.open();
    const now = Date.now();
    await heartbeatNode(store, { id: "shared", role: "worker", host: "other-host", pid: 1234, startedAt: now - 60_000, heartbeatAt: now - 1_000 });
    await assert.rejects(startNodePresence({ store, id: "shared", role: "all", everyMs: 5_000, now: () => now, log }), (e: unknown) =>
      e instanceof NodeIdInUseError && /node id "shared" is in use by other-host \(pid 1234, heartbeat 1 s ago\)/.test(e.message));
    // a pid that does not exist: this node's previous process, killed
    await heartbeatNode(store, { id: "mine", role: "all", host: hostname(), pid: 2 ** 22 + 17, startedAt: now - 60_000, heartbeatAt: now - 1_000 });
    const presence = await startNodePresence({ store, id: "mine", role: "all", everyMs: 5_000, now: () => now, log });
    await presence.stop();
  });
});
