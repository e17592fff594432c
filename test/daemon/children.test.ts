/**
 * Child pipelines on a real daemon: a task's `ctx.runPipeline` creates a real run recorded with its parent (run
 * document, API, web page both ways), waiting returns its typed results, a failing or refused child fails the task,
 * `wait: false` returns at once, and cancelling the parent cancels the child it waits for.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeProject, daemonForFile, waitFor, waitRun } from "./helpers.ts";

const CHILD = `import { pipeline, z } from "floe";
import * as zarr from "zarrita";
export default pipeline({ name: "child", params: z.object({ n: z.number(), sleepMs: z.number().default(0), commit: z.boolean().default(false) }) })
  .task("double", async ({ params }, ctx) => {
    await new Promise((r) => setTimeout(r, params.sleepMs));
    if (params.n < 0) throw new Error("negative");
    if (params.commit) {
      const session = await (await ctx.arraylake.getOrCreateRepo("acme/kids")).writableSession("main");
      await zarr.create(zarr.root(session.store).resolve("n" + params.n), { shape: [1], chunkShape: [1], dtype: "float32" });
      await session.commit("the child's commit");
    }
    return { doubled: params.n * 2, scheduledFor: ctx.scheduledFor.toISOString(), kind: ctx.trigger.kind };
  });
`;

const PARENT = `import { pipeline, z } from "floe";
import child from "./child.ts";
export default pipeline({ name: "parent", params: z.object({ n: z.number().default(21), mode: z.string().default("wait") }) })
  .task("spawn", async ({ params }, ctx) => {
    if (params.mode === "nowait") return ctx.runPipeline(child, { n: params.n }, { wait: false });
    if (params.mode === "unknown") return ctx.runPipeline("chidl", {});
    if (params.mode === "badparams") return ctx.runPipeline("child", { n: "x" });
    if (params.mode === "long") return ctx.runPipeline(child, { n: 1, sleepMs: 120_000 });
    const run = await ctx.runPipeline(child, { n: params.n, commit: true });
    return { runId: run.runId, doubled: run.results.double.doubled, child: run.results.double };
  });
`;

const project = makeProject({ "pipelines/child.ts": CHILD, "pipelines/parent.ts": PARENT });
const d = daemonForFile(project);

const start = async (params: Record<string, unknown>): Promise<string> => {
  const res = await d.post("/api/pipelines/parent/runs", { params, scheduledFor: "2025-03-01T00:00:00Z" });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
};
const resultOf = (run: any, task: string): any => run.tasks.find((t: any) => t.task === task)?.result;

test("a waited-on child is a real run with its parent recorded both ways; the task gets its typed results", async () => {
  const [waited, negative, unknown, bad, nowait] = await Promise.all([
    start({ n: 21 }), start({ n: -1 }), start({ mode: "unknown" }), start({ mode: "badparams" }), start({ mode: "nowait", n: 5 }),
  ]);
  const parent = await waitRun(d, waited, undefined, 90_000);
  assert.equal(parent.state, "Completed", JSON.stringify(parent.error));
  const { runId, doubled, child: childResult } = resultOf(parent, "spawn");
  assert.equal(doubled, 42);
  assert.deepEqual(childResult, { doubled: 42, scheduledFor: "2025-03-01T00:00:00.000Z", kind: "child" }, "the child shares the parent's logical date");
  const child = await d.get(`/api/runs/${runId}`);
  assert.equal(child.pipeline, "child");
  assert.equal(child.parentRunId, waited);
  assert.deepEqual(child.trigger, { kind: "child", detail: { parentRunId: waited, parentTask: "spawn", wait: true } });
  assert.deepEqual(parent.children, [{ id: runId, pipeline: "child", task: "spawn", wait: true }]);
  // the parent's lineage includes what the child it waited for committed, naming the child's run
  assert.deepEqual(parent.commits.map((c: any) => [c.runId, c.repo, c.message]), [[runId, "acme/kids", "the child's commit"]]);
  const parentPage = await (await fetch(`${d.url}/runs/${waited}`)).text();
  assert.match(parentPage, new RegExp(`id="run-children".*href="/runs/${runId}"`, "s"));
  const childPage = await (await fetch(`${d.url}/runs/${runId}`)).text();
  assert.match(childPage, new RegExp(`id="run-parent"><a class="mono" href="/runs/${waited}">${waited}</a> \\(task spawn\\)`));

  const failed = await waitRun(d, negative, undefined, 90_000);
  assert.equal(failed.state, "Failed");
  const spawn = failed.tasks.find((t: any) => t.task === "spawn");
  assert.match(spawn.error.message, /^child run \S+ of child ended Failed: /);
  assert.equal(spawn.error.name, "ChildRunError");

  const refused = await waitRun(d, unknown, undefined, 90_000);
  assert.match(refused.tasks[0].error.message, /no valid pipeline named "chidl" is loaded; did you mean "child"\?/);
  const invalid = await waitRun(d, bad, undefined, 90_000);
  assert.match(invalid.tasks[0].error.message, /ctx\.runPipeline\("child"\): invalid params: .*params\.n/);
  assert.deepEqual(invalid.children, [], "a refused child is never created");

  const started = await waitRun(d, nowait, undefined, 90_000);
  const pending = resultOf(started, "spawn");
  assert.deepEqual({ ...pending, runId: "-" }, { runId: "-", pipeline: "child", state: "Pending" });
  const own = await waitRun(d, pending.runId, undefined, 90_000);
  assert.equal(own.state, "Completed");
  assert.equal(own.trigger.detail.wait, false);
});

test("cancelling the parent cancels the child it waits for", async () => {
  const id = await start({ mode: "long" });
  const running = await waitFor(async () => {
    const run = await d.get(`/api/runs/${id}`);
    return run.children.length === 1 ? run : undefined;
  }, 90_000, "the child to be created");
  const childId = running.children[0].id as string;
  await waitRun(d, childId, (r) => r.state === "Running", 90_000);
  assert.equal((await d.post(`/api/runs/${id}/cancel`)).status, 202);
  assert.equal((await waitRun(d, id, undefined, 60_000)).state, "Cancelled");
  const child = await waitRun(d, childId, undefined, 60_000);
  assert.equal(child.state, "Cancelled");
  assert.match(child.error?.message ?? JSON.stringify(await d.get(`/api/runs/${childId}/events`)), /stopped|parent run/);
});
