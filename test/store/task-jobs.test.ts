/**
 * Task jobs on both adapters: claimed by one worker at a time, claimed again after the lease expired with a new
 * fence, an end accepted only from the current fence, cancel takes a job from its holder; PostgreSQL wakes listeners.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  JOBS_CHANNEL, JOBS_DONE_CHANNEL, cancelTaskJobs, claimTaskJobs, createRun, endedTaskJobs, finishTaskJob, listTaskJobs,
  renewTaskJobs, submitTaskJobs, type NewTaskJob, type Store,
} from "../../src/store/index.ts";
import { postgresAdapter, sqliteAdapter, type Adapter } from "./adapters.ts";

const job = (runId: string, i: number): NewTaskJob => ({
  id: `${runId}/tile[${i}]#1`, runId, pipeline: "tiled", version: "v1", task: `tile[${i}]`, name: "tile", mapIndex: i,
  attempt: 1, inputJson: JSON.stringify({ item: i }), createdAt: 100 + i,
});

for (const name of ["sqlite", "postgres"] as const) {
  describe(`task jobs: ${name}`, () => {
    let adapter: Adapter;
    let store: Store;
    let runId: string;
    before(async () => {
      adapter = name === "sqlite" ? sqliteAdapter() : await postgresAdapter();
      store = await adapter.open();
      runId = (await createRun(store, { pipeline: "tiled", version: "v1", params: {}, trigger: { kind: "manual" } })).run.id;
    });
    after(() => adapter?.cleanup());

    test("claims never share a job; a lost worker's job is claimed again; only the current fence ends it", async () => {
      await submitTaskJobs(store, [0, 1, 2, 3, 4, 5].map((i) => job(runId, i)));
      await submitTaskJobs(store, [job(runId, 0)]); // a repeated submission is the same job
      const [a, b] = await Promise.all([
        claimTaskJobs(store, { node: "A", limit: 4, now: 1000, leaseMs: 500 }),
        claimTaskJobs(store, { node: "B", limit: 4, now: 1000, leaseMs: 500 }),
      ]);
      const got = [...a, ...b].map((c) => c.job.id);
      assert.equal(got.length, 6);
      assert.equal(new Set(got).size, 6, "a job claimed twice");
      assert.ok([...a, ...b].every((c) => c.fence === 1 && c.job.state === "Running"));
      assert.deepEqual(await claimTaskJobs(store, { node: "C", limit: 9, now: 1400, leaseMs: 500 }), []);
      // A renews; B dies and C takes its jobs with a new fence.
      assert.deepEqual(await renewTaskJobs(store, "A", a.map((c) => ({ id: c.job.id, fence: c.fence })), 3000), []);
      const c = await claimTaskJobs(store, { node: "C", limit: 9, now: 2000, leaseMs: 500 });
      assert.deepEqual(c.map((x) => x.job.id).sort(), b.map((x) => x.job.id).sort());
      assert.ok(c.every((x) => x.fence === 2 && x.job.claimedBy === "C"));
      const stale = b[0]!;
      assert.equal((await renewTaskJobs(store, "B", [{ id: stale.job.id, fence: 1 }], 4000)).length, 1);
      assert.equal(await finishTaskJob(store, { id: stale.job.id, fence: 1, state: "Completed", resultJson: "\"stale\"", at: 2100 }), false);
      assert.equal(await finishTaskJob(store, { id: stale.job.id, fence: 2, state: "Completed", resultJson: "\"fresh\"", eventsJson: "[]", at: 2200 }), true);
      assert.equal(await finishTaskJob(store, { id: stale.job.id, fence: 2, state: "Failed", at: 2300 }), false, "ends once");
      const first = a[0]!;
      assert.equal(await finishTaskJob(store, { id: first.job.id, fence: 1, state: "Failed", error: { name: "Error", message: "boom" }, at: 2400 }), true);
      const ended = await endedTaskJobs(store, [stale.job.id, first.job.id, a[1]!.job.id]);
      assert.deepEqual(ended.map((j) => [j.id, j.state, j.resultJson, j.error?.message ?? null]).sort(),
        [[first.job.id, "Failed", null, "boom"], [stale.job.id, "Completed", "\"fresh\"", null]].sort());
      // Cancel: the holder loses the job (its renewal fails) and cannot end it.
      const held = a[1]!;
      assert.equal(await cancelTaskJobs(store, { ids: [held.job.id] }, 2500), 1);
      assert.deepEqual(await renewTaskJobs(store, "A", [{ id: held.job.id, fence: held.fence }], 5000), [held.job.id]);
      assert.equal(await finishTaskJob(store, { id: held.job.id, fence: held.fence, state: "Completed", at: 2600 }), false);
      assert.equal(await cancelTaskJobs(store, { runId }, 2700), 3);
      const states = (await listTaskJobs(store, runId)).map((j) => j.state);
      assert.deepEqual(states.sort(), ["Cancelled", "Cancelled", "Cancelled", "Cancelled", "Completed", "Failed"]);
      assert.deepEqual(await claimTaskJobs(store, { node: "D", limit: 9, now: 9000, leaseMs: 500 }), []);
    });

    if (name === "postgres") {
      test("a new job and a job's end wake listeners at once (LISTEN/NOTIFY)", async () => {
        const heard: string[] = [];
        let wake: () => void = () => undefined;
        const both = new Promise<void>((resolve) => (wake = resolve));
        const hear = (channel: string) => () => {
          heard.push(channel);
          if (heard.length === 2) wake();
        };
        const stops = [await store.listen(JOBS_CHANNEL, hear(JOBS_CHANNEL)), await store.listen(JOBS_DONE_CHANNEL, hear(JOBS_DONE_CHANNEL))];
        try {
          const j = { ...job(runId, 9), id: `${runId}/wake#1` };
          await submitTaskJobs(store, [j]);
          const [claim] = await claimTaskJobs(store, { node: "A", limit: 1, now: 10_000, leaseMs: 500 });
          await finishTaskJob(store, { id: claim!.job.id, fence: claim!.fence, state: "Completed", at: 10_001 });
          await both;
          assert.deepEqual(heard.sort(), [JOBS_CHANNEL, JOBS_DONE_CHANNEL]);
        } finally {
          for (const stop of stops) await stop();
        }
      });
    }
  });
}
