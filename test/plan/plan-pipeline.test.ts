import { test } from "node:test";
import assert from "node:assert/strict";
import { PipelineSpecSchema, type TaskSpecInput } from "../../schemas/pipeline.ts";
import { planPipeline, type Plan, type PlanSources } from "../../src/plan/index.ts";
import type { Diagnostic } from "../../src/core/errors.ts";

const FILE = "/repo/pipelines/demo.ts";
const sources: PlanSources = { file: FILE, contents: new Map([[FILE, "export default 1"]]) };
const specOf = (tasks: TaskSpecInput[], extra: Record<string, unknown> = {}) =>
  PipelineSpecSchema.parse({ name: "demo", tasks, ...extra });

function plan(tasks: TaskSpecInput[], extra: Record<string, unknown> = {}): Plan {
  const result = planPipeline(specOf(tasks, extra), sources);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  return result.plan;
}
function diagnose(tasks: TaskSpecInput[], locations?: PlanSources["locations"]): Diagnostic[] {
  const result = planPipeline(specOf(tasks), { ...sources, locations });
  assert.ok(!result.ok, "expected diagnostics");
  return result.diagnostics;
}

test("levels, edges and needs (map is an implicit need)", () => {
  const p = plan([
    { name: "load" },
    { name: "other" },
    { name: "avg", map: "load" },
    { name: "write", needs: ["avg", "other", "avg"] },
  ]);
  assert.deepEqual(p.levels, [["load", "other"], ["avg"], ["write"]]);
  assert.deepEqual(p.tasks.find((t) => t.name === "avg")?.needs, ["load"]);
  assert.equal(p.tasks.find((t) => t.name === "avg")?.map, "load");
  assert.deepEqual(p.tasks.find((t) => t.name === "write")?.needs, ["avg", "other"]);
  assert.deepEqual(p.edges, [
    { from: "load", to: "avg" },
    { from: "avg", to: "write" },
    { from: "other", to: "write" },
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p, "a plan is plain JSON");
});

test("levels are longest paths, whatever the definition order", () => {
  const p = plan([{ name: "d", needs: ["c", "a"] }, { name: "c", needs: ["b"] }, { name: "b", needs: ["a"] }, { name: "a" }]);
  assert.deepEqual(p.levels, [["a"], ["b"], ["c"], ["d"]]);
});

test("task options are normalised to milliseconds and full policies", () => {
  const p = plan(
    [
      { name: "a", retries: 3, timeout: "2s", pool: "gpu", cache: "inputs" },
      { name: "b", retries: { attempts: 2, delay: ["1s", 500], backoff: { max: "1m" }, jitter: 0.1 } },
      { name: "c", cache: { expiresIn: "1h" }, map: "a", concurrency: 4 },
    ],
    { concurrency: 8, timeout: "5m" },
  );
  const [a, b, c] = p.tasks;
  assert.deepEqual(a?.retry, { attempts: 3, delayMs: 0 });
  assert.equal(a?.timeoutMs, 2000);
  assert.equal(a?.pool, "gpu");
  assert.deepEqual(a?.cache, { key: "inputs" });
  assert.deepEqual(b?.retry, { attempts: 2, delayMs: [1000, 500], backoff: { factor: 2, maxMs: 60_000 }, jitter: 0.1 });
  assert.equal(b?.cache, undefined);
  assert.deepEqual(c?.cache, { key: "inputs", expiresInMs: 3_600_000 });
  assert.equal(c?.concurrency, 4);
  assert.equal(p.concurrency, 8);
  assert.equal(p.timeoutMs, 300_000);
});

test("unknown dependency names the task, the missing name and a suggestion, at the task's location", () => {
  const [d, ...rest] = diagnose([{ name: "load" }, { name: "average", needs: ["laod"] }], {
    average: { file: "/repo/pipelines/demo.ts", line: 12, column: 4 },
  });
  assert.equal(rest.length, 0);
  assert.equal(d?.code, "unknown_dependency");
  assert.equal(d?.path, "tasks.average.needs.0");
  assert.equal(d?.pipeline, "demo");
  assert.equal(d?.line, 12);
  assert.match(d?.message ?? "", /task "average" needs "laod".*did you mean "load"\?/);
});

test("unknown dependency far from every name has no suggestion; an unknown map target is reported on map", () => {
  const ds = diagnose([{ name: "load" }, { name: "x", needs: ["zzzzzzzz"] }, { name: "m", map: "nope" }]);
  assert.equal(ds.length, 2);
  assert.doesNotMatch(ds[0]!.message, /did you mean/);
  assert.equal(ds[0]!.file, FILE, "file defaults to the module");
  assert.equal(ds[1]!.path, "tasks.m.map");
});

test("duplicate task names", () => {
  const [d] = diagnose([{ name: "a" }, { name: "b" }, { name: "a" }]);
  assert.equal(d?.code, "duplicate_task");
  assert.match(d?.message ?? "", /"a" is defined more than once/);
});

test("self-dependency", () => {
  const ds = diagnose([{ name: "a", needs: ["a"] }]);
  assert.deepEqual(ds.map((d) => d.code), ["self_dependency"]);
  assert.equal(ds[0]!.path, "tasks.a.needs.0");
});

test("cycles report their path, once per cycle", () => {
  const ds = diagnose([
    { name: "start" },
    { name: "a", needs: ["start", "c"] },
    { name: "b", needs: ["a"] },
    { name: "c", needs: ["b"] },
    { name: "x", needs: ["y"] },
    { name: "y", needs: ["x"] },
  ]);
  assert.deepEqual(ds.map((d) => d.code), ["cycle", "cycle"]);
  assert.match(ds[0]!.message, /a -> c -> b -> a/);
  assert.match(ds[1]!.message, /x -> y -> x/);
  assert.equal(ds[0]!.path, "tasks.a.needs");
});

test("a 10,000-task chain plans without overflowing the stack", () => {
  const tasks = Array.from({ length: 10_000 }, (_, i) => (i === 0 ? { name: "t0" } : { name: `t${i}`, needs: [`t${i - 1}`] }));
  assert.equal(plan(tasks).levels.length, 10_000);
  const cyclic = planPipeline(specOf([{ ...tasks[0]!, needs: ["t9999"] }, ...tasks.slice(1)]), sources);
  assert.ok(!cyclic.ok && cyclic.diagnostics[0]!.code === "cycle");
});
