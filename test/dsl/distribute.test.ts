/** The `distribute` option: validated like other options, resolved per task in the plan (a task's own value wins). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { validatePipeline } from "../../src/dsl/validate.ts";
import { planPipeline } from "../../src/plan/index.ts";

const FILE = "/repo/pipelines/tiles.ts";
const tiles = (options: { distribute?: boolean } = {}) =>
  pipeline({ name: "tiles", params: z.object({}), ...options })
    .task("list", () => [1, 2, 3])
    .map("square", { over: "list", distribute: true }, ({ item }) => item * item)
    .task("sum", { needs: ["square"] }, ({ upstream }) => upstream.square.reduce((a, b) => a + b, 0))
    .task("local", { needs: ["sum"], distribute: false }, ({ upstream }) => upstream.sum);

function distributed(p: ReturnType<typeof tiles>): string[] {
  const checked = validatePipeline(p as never);
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.diagnostics));
  const planned = planPipeline(checked.spec, { file: FILE, contents: new Map([[FILE, "x"]]) });
  assert.ok(planned.ok);
  return planned.plan.tasks.filter((t) => t.distribute).map((t) => t.name);
}

test("a task opts in; the pipeline's option covers the others unless a task says false", () => {
  assert.deepEqual(distributed(tiles()), ["square"]);
  assert.deepEqual(distributed(tiles({ distribute: true })), ["list", "square", "sum"]);
});

test("a distribute that is not a boolean is a diagnostic naming the task and field", () => {
  const bad = pipeline({ name: "bad" }).task("t", { distribute: "yes" as never }, () => 1);
  const checked = validatePipeline(bad as never);
  assert.ok(!checked.ok);
  assert.deepEqual(checked.diagnostics.map((d) => [d.path, d.code]), [["tasks.t.distribute", "invalid_type"]]);
  const pipelineLevel = validatePipeline(pipeline({ name: "bad", distribute: 1 as never }).task("t", () => 1) as never);
  assert.ok(!pipelineLevel.ok);
  assert.deepEqual(pipelineLevel.diagnostics.map((d) => d.path), ["distribute"]);
});
