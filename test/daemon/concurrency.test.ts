/** Concurrency across runs and schedules on a real daemon: global limit, named pools as leases, overlap policy. */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { makeProject, pipelineSource, startDaemon, waitFor, waitRun } from "./helpers.ts";

type Interval = [number, number];
const overlaps = (xs: Interval[]): boolean => {
  const s = [...xs].sort((a, b) => a[0] - b[0]);
  return s.some((x, i) => i > 0 && x[0] < s[i - 1]![1]);
};
const span = (t: { startedAt: string; endedAt: string }): Interval => [Date.parse(t.startedAt), Date.parse(t.endedAt)];

test("global maxActiveRuns queues runs as Pending; a named pool is shared by the tasks of all runs", async () => {
  const project = makeProject(
    {
      "pipelines/nap.ts": pipelineSource("nap", `.task("nap", async () => { await new Promise((r) => setTimeout(r, 400)); })`),
      "pipelines/write.ts": pipelineSource(
        "write",
        `.task("prep", async () => { await new Promise((r) => setTimeout(r, 50)); })\n  .task("commit", { needs: ["prep"], pool: "arraylake-writes" }, async () => { await new Promise((r) => setTimeout(r, 1500)); })`,
      ),
    },
    `{ concurrency: { maxActiveRuns: 1, pools: { "arraylake-writes": 1 } } }`,
  );
  after(() => project.cleanup());
  const d = await startDaemon(project);
  try {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await d.post("/api/pipelines/nap/runs")).body.id);
    const states = await Promise.all(ids.map((id) => d.get(`/api/runs/${id}`)));
    assert.ok(states.filter((r) => r.state === "Pending").length >= 2, "excess runs wait as Pending");
    const runs = await Promise.all(ids.map((id) => waitRun(d, id)));
    assert.ok(runs.every((r) => r.state === "Completed"));
    assert.equal(overlaps(runs.map((r) => [Date.parse(r.startedAt), Date.parse(r.endedAt)])), false, "one run at a time");

    // raise the global limit live (config hot reload), then check the pool across concurrent runs
    project.write("arraylake.config.ts", `import { defineConfig } from "floe/config";\nexport default defineConfig({ concurrency: { maxActiveRuns: 4, pools: { "arraylake-writes": 1 } } });\n`);
    await d.waitLog((l) => l.event === "config:reload" && d.lines.filter((x) => x.event === "config:reload").length >= 1);
    const writes = [];
    for (let i = 0; i < 3; i++) writes.push((await d.post("/api/pipelines/write/runs")).body.id);
    const done = await Promise.all(writes.map((id) => waitRun(d, id)));
    assert.ok(done.every((r) => r.state === "Completed"), JSON.stringify(done.map((r) => r.state)));
    assert.ok(overlaps(done.map((r) => [Date.parse(r.startedAt), Date.parse(r.endedAt)])), "runs overlapped");
    const commits = done.map((r) => span(r.tasks.find((t: any) => t.task === "commit")));
    assert.equal(overlaps(commits), false, "pooled tasks one at a time across runs");
  } finally {
    await d.stop();
  }
});

test("an every-second schedule fires each slot once; overlap skip never runs two at a time; pause stops it", async () => {
  const project = makeProject({
    "pipelines/tick.ts": pipelineSource(
      "tick",
      `.task("t", async () => { await new Promise((r) => setTimeout(r, 1600)); })`,
      `schedules: [{ name: "fast", cron: "* * * * * *", overlap: "skip" }]`,
    ),
  });
  after(() => project.cleanup());
  const d = await startDaemon(project);
  try {
    await waitFor(async () => (await d.get("/api/runs?pipeline=tick")).items.length >= 3, 30_000, "three fires");
    assert.equal((await d.post("/api/schedules/tick:fast/pause")).status, 200);
    const count = (await d.get("/api/runs?pipeline=tick&limit=100")).items.length;
    await new Promise((r) => setTimeout(r, 1_500));
    const runs = (await d.get("/api/runs?pipeline=tick&limit=100")).items;
    assert.ok(runs.length <= count + 1, "paused");
    const slots = runs.map((r: any) => r.slotAt);
    assert.equal(new Set(slots).size, slots.length);
    const done = await Promise.all(runs.map((r: any) => waitRun(d, r.id)));
    assert.equal(overlaps(done.map((r) => [Date.parse(r.startedAt), Date.parse(r.endedAt)])), false);
    assert.ok(d.lines.some((l) => l.event === "schedule:skip"), "some slots skipped while a run was active");
  } finally {
    await d.stop();
  }
});
