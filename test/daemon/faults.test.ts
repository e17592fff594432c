/**
 * Faults against real processes: kill -9 of a run process (that run Crashed within seconds, others go on), kill -9
 * of the daemon mid-run then restart (nothing stays Running, no slot runs twice, integrity_check ok, opt-in resume),
 * cancel (API and `floe cancel`), and a task that blocks its process until SIGKILL.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { integrityCheck, listRuns, openStore } from "../../src/store/index.ts";
import { isAlive } from "../../src/daemon/daemon-file.ts";
import { makeProject, pipelineSource, repoRoot, startDaemon, waitFor, waitRun } from "./helpers.ts";

const pidTask = `.task("work", async () => { console.log("pid=" + process.pid); await new Promise((r) => setTimeout(r, 30_000)); })`;

test("kill -9 of a run process: that run is Crashed within seconds, the others go on", async () => {
  const project = makeProject({
    "pipelines/victim.ts": pipelineSource("victim", pidTask),
    "pipelines/other.ts": pipelineSource("other", `.task("work", async () => { await new Promise((r) => setTimeout(r, 1500)); return 7; })`),
  });
  after(() => project.cleanup());
  const d = await startDaemon(project);
  try {
    const victim = (await d.post("/api/pipelines/victim/runs")).body;
    const other = (await d.post("/api/pipelines/other/runs")).body;
    const line = await waitFor(async () => (await d.get(`/api/runs/${victim.id}/logs`)).items.find((l: any) => l.message.startsWith("pid=")), 30_000, "pid log");
    const pid = Number(line.message.slice(4));
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();
    const crashed = await waitRun(d, victim.id);
    assert.ok(Date.now() - killedAt < 5_000, "Crashed within seconds");
    assert.equal(crashed.state, "Crashed");
    assert.match(crashed.error.message, /SIGKILL/);
    assert.equal(crashed.tasks[0].state, "Failed");
    const done = await waitRun(d, other.id);
    assert.equal(done.state, "Completed");
    assert.equal(done.tasks[0].result, 7);
  } finally {
    await d.stop();
  }
});

test("kill -9 of the daemon mid-run, then restart: nothing Running, no slot twice, integrity ok, resume opt-in", async () => {
  const project = makeProject({
    "pipelines/long.ts": pipelineSource("long", pidTask),
    "pipelines/resumable.ts": pipelineSource(
      "resumable",
      `.task("first", () => { console.log("first ran"); return 41; })\n  .task("second", { needs: ["first"] }, async ({ upstream }) => { console.log("pid=" + process.pid); await new Promise((r) => setTimeout(r, process.env.FLOE_TEST_FAST ? 10 : 30_000)); return upstream.first + 1; })`,
      "resume: true",
    ),
    "pipelines/tick.ts": pipelineSource("tick", `.task("t", async () => { await new Promise((r) => setTimeout(r, 100)); })`, `schedules: [{ name: "every-second", cron: "* * * * * *", catchUp: "latest", overlap: "allow" }]`),
  });
  after(() => project.cleanup());
  const d = await startDaemon(project);
  const long = (await d.post("/api/pipelines/long/runs")).body;
  const resumable = (await d.post("/api/pipelines/resumable/runs")).body;
  const pidOf = async (id: string): Promise<number> =>
    Number((await waitFor(async () => (await d.get(`/api/runs/${id}/logs`)).items.find((l: any) => l.message.startsWith("pid=")), 30_000, "pid")).message.slice(4));
  const pids = [await pidOf(long.id), await pidOf(resumable.id)];
  await waitFor(async () => (await d.get("/api/runs?pipeline=tick")).items.length >= 2, 30_000, "two ticks");
  await d.kill9();
  // run processes notice their daemon is gone and exit
  await waitFor(() => pids.every((p) => !isAlive(p)), 5_000, "orphaned run processes to exit");

  const d2 = await startDaemon(project, { FLOE_TEST_FAST: "1" });
  try {
    const crashed = await d2.get(`/api/runs/${long.id}`);
    assert.equal(crashed.state, "Crashed");
    assert.match(crashed.error.message, /daemon stopped/);
    const old = await d2.get(`/api/runs/${resumable.id}`);
    assert.equal(old.state, "Crashed");
    const resumed = await waitFor(async () => (await d2.get("/api/runs?pipeline=resumable")).items.find((r: any) => r.retryOf === resumable.id), 15_000, "resumed run");
    const done = await waitRun(d2, resumed.id);
    assert.equal(done.state, "Completed");
    assert.equal(done.tasks.find((t: any) => t.task === "first").state, "Cached");
    assert.equal(done.tasks.find((t: any) => t.task === "second").result, 42);
    await waitFor(async () => (await d2.get("/api/runs?pipeline=tick&limit=100")).items.length >= 4, 30_000, "ticks after restart");
  } finally {
    assert.equal(await d2.stop(), 0);
  }
  using store = openStore(join(project.stateDir, "floe.db"), { readonly: true });
  assert.deepEqual(integrityCheck(store), ["ok"]);
  const all = (await listRuns(store, { limit: 1000 })).items;
  assert.equal(all.filter((r) => r.state === "Running" || r.state === "Cancelling").length, 0);
  const slots = all.filter((r) => r.scheduleId !== null).map((r) => `${r.scheduleId}@${r.slotAt}`);
  assert.equal(new Set(slots).size, slots.length, "no slot ran twice");
});

test("cancel: over the API, with `floe cancel`, and a task that blocks its process is killed after the grace", async () => {
  const project = makeProject({
    "pipelines/sleepy.ts": pipelineSource("sleepy", `.task("nap", async () => { await new Promise((r) => setTimeout(r, 30_000)); })`),
    "pipelines/stuck.ts": pipelineSource("stuck", `.task("spin", () => { console.log("spinning"); const end = Date.now() + 60_000; while (Date.now() < end) {} })`),
  });
  after(() => project.cleanup());
  const d = await startDaemon(project, { FLOE_KILL_GRACE_MS: "500" });
  try {
    const a = (await d.post("/api/pipelines/sleepy/runs")).body;
    await waitRun(d, a.id, (r) => r.state === "Running");
    assert.equal((await d.post(`/api/runs/${a.id}/cancel`)).status, 202);
    assert.equal((await waitRun(d, a.id)).state, "Cancelled");
    assert.equal((await d.post(`/api/runs/${a.id}/cancel`)).status, 409);

    const b = (await d.post("/api/pipelines/stuck/runs")).body;
    // its event loop is blocked from the first task on, so the daemon hears nothing more from it
    await new Promise((r) => setTimeout(r, 1_000));
    const cli = spawnSync(process.execPath, [join(repoRoot, "bin/floe.js"), "cancel", b.id, "--wait"], { cwd: project.dir, encoding: "utf8", env: { ...process.env, FLOE_STATE_DIR: "" } });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /Cancelled/);
    const run = await d.get(`/api/runs/${b.id}`);
    assert.equal(run.state, "Cancelled");
    assert.ok(run.tasks.every((t: any) => t.state === "Cancelled"));
  } finally {
    await d.stop();
  }
});
