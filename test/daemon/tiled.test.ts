/**
 * The tiled seed job on a SQLite daemon: the daemon is its own only job worker, so each tile is a task job it
 * claims and runs in a job process; the means equal `seasonal-averages`' and land as exactly one commit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { listTaskJobs, openStore } from "../../src/store/index.ts";
import { startDaemon, waitRun } from "./helpers.ts";
import { readLanding, seedRepo, tiledProject } from "./tiled-helpers.ts";

test("on SQLite the daemon runs the tiles as task jobs; one commit, the single-machine values", async () => {
  const project = tiledProject("concurrency: { jobsPerNode: 2 }, daemon: { shutdownGraceMs: 300 }");
  after(() => project.cleanup());
  await seedRepo(project);
  const d = await startDaemon(project);
  try {
    const single = await d.post("/api/pipelines/seasonal-averages/runs", {});
    assert.equal(single.status, 201, JSON.stringify(single.body));
    const one = await waitRun(d, single.body.id, undefined, 240_000);
    assert.equal(one.state, "Completed", JSON.stringify(one.tasks.map((t: any) => [t.task, t.state, t.error?.message])));
    const reference = one.tasks.find((t: any) => t.task === "write").result.snapshotId as string;

    const { status, body } = await d.post("/api/pipelines/seasonal-averages-tiled/runs", { params: { tiles: 4 } });
    assert.equal(status, 201, JSON.stringify(body));
    const run = await waitRun(d, body.id, undefined, 300_000);
    assert.equal(run.state, "Completed", JSON.stringify(run.tasks.map((t: any) => [t.task, t.state, t.error?.message])));
    const landed = run.tasks.find((t: any) => t.task === "land").result.snapshotId as string;
    const landing = await readLanding(project, reference, landed);
    assert.deepEqual(landing.commitsAfter, [landed], "exactly one commit on main");
    assert.deepEqual(landing.landed, landing.reference);
    assert.deepEqual(landing.branches, ["main"], "the run branch is deleted");

    using store = openStore(join(project.stateDir, "floe.db"), { readonly: true });
    const jobs = await listTaskJobs(store, body.id);
    assert.deepEqual(jobs.map((j) => [j.task, j.state]), [0, 1, 2, 3].map((i) => [`tile[${i}]`, "Completed"]));
    // each tile ran in a job process, not in the run's process; their log lines reached the run
    const pids = new Set(run.tasks.filter((t: any) => t.task.startsWith("tile[")).map((t: any) => t.result.pid));
    assert.ok(!pids.has(run.pid), "a tile ran in the run process");
    const logs = await d.get(`/api/runs/${body.id}/logs`);
    assert.equal(logs.items.filter((l: { message: string }) => /^tile \d \(lat/.test(l.message)).length, 4);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});
