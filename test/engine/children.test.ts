import { test } from "node:test";
import assert from "node:assert/strict";
import { expectTypeOf } from "expect-type";
import { z } from "zod";
import type { ChildRunRequest, ChildRunner } from "../../src/engine/index.ts";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { run, start, tick } from "./helpers.ts";

const child = pipeline({ name: "child", params: z.object({ n: z.number() }) }).task("double", ({ params }) => params.n * 2);

test("without a host for child runs (no daemon) ctx.runPipeline fails the task with a clear message", async () => {
  const o = await run(pipeline({ name: "parent" }).task("spawn", (_i, ctx) => ctx.runPipeline(child, { n: 1 })));
  assert.equal(o.state, "Failed");
  assert.equal(o.tasks.get("spawn")?.error?.name, "ChildRunsUnavailableError");
  assert.match(o.tasks.get("spawn")?.error?.message ?? "", /ctx\.runPipeline\("child"\) needs the floe daemon.*floe run without --local/);
});

test("keys per attempt and call; typed results; a child that does not complete throws ChildRunError; abort cancels", async () => {
  const asked: ChildRunRequest[] = [];
  const states = ["Failed", "Completed"];
  const runner: ChildRunner = {
    run: async (request) => {
      asked.push(request);
      return { runId: `c${asked.length}`, pipeline: request.pipeline, state: request.wait ? states.shift()! : "Pending", results: { double: 4 } };
    },
  };
  const o = await run(
    pipeline({ name: "parent" }).task("spawn", { retries: 1 }, async (_i, ctx) => {
      const later = await ctx.runPipeline("child", { n: 9 }, { wait: false });
      expectTypeOf(later.state).toEqualTypeOf<"Pending">();
      const done = await ctx.runPipeline(child, { n: 2 });
      expectTypeOf(done.results.double).toEqualTypeOf<number>();
      return [later.runId, done.results.double];
    }),
    { childRuns: runner },
  );
  assert.equal(o.state, "Completed");
  assert.deepEqual(o.tasks.get("spawn")?.result, ["c3", 4]);
  assert.deepEqual(asked.map((r) => `${r.key} ${r.wait} ${r.parentTask}`), [
    "child:run-1:spawn:1:1 false spawn", "child:run-1:spawn:1:2 true spawn",
    "child:run-1:spawn:2:1 false spawn", "child:run-1:spawn:2:2 true spawn",
  ]);

  let seen: AbortSignal | undefined;
  const hanging: ChildRunner = { run: (_r, signal) => ((seen = signal), new Promise((_ok, no) => signal.addEventListener("abort", () => no(signal.reason)))) };
  const controller = new AbortController();
  const h = start(pipeline({ name: "p" }).task("wait", (_i, ctx) => ctx.runPipeline("child")), { childRuns: hanging, signal: controller.signal });
  await tick();
  controller.abort(new Error("stop"));
  assert.equal((await h.done).state, "Cancelled");
  assert.equal(seen?.aborted, true, "the child runner sees the attempt's signal abort (and cancels the child)");
});
