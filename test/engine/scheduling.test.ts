import { test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline, pipeline, type AnyPipeline } from "../../src/dsl/pipeline.ts";
import { createPoolGate } from "../../src/engine/index.ts";
import { path, run, runStates, start, states, tick, until } from "./helpers.ts";

test("tasks run in dependency order, results flow downstream and every transition is reported", async () => {
  const order: string[] = [];
  const p = pipeline({ name: "diamond" })
    .task("a", () => (order.push("a"), 2))
    .task("b", { needs: ["a"] }, async ({ upstream }) => (order.push("b"), upstream.a * 10))
    .task("c", { needs: ["a"] }, ({ upstream }) => (order.push("c"), upstream.a + 1))
    .task("d", { needs: ["b", "c"] }, ({ upstream }) => (order.push("d"), { sum: upstream.b + upstream.c }));
  const h = start(p);
  const o = await h.done;
  assert.equal(o.state, "Completed");
  assert.deepEqual(runStates(h.sink.events), ["Running", "Completed"]);
  assert.equal(order.at(-1), "d");
  assert.equal(order[0], "a");
  for (const t of ["a", "b", "c", "d"]) assert.deepEqual(path(h.sink.events, t), ["Pending->Running", "Running->Completed"]);
  assert.deepEqual(o.tasks.get("d")?.result, { sum: 23 });
  assert.equal(o.tasks.get("d")?.resultJson, '{"sum":23}');
  assert.equal(o.tasks.get("d")?.attempts, 1);
  const creates = h.sink.events.filter((e) => e.type === "task:create").map((e) => e.type === "task:create" && [e.task, e.parent, e.mapIndex]);
  assert.deepEqual(creates, [["a", "a", null], ["b", "b", null], ["c", "c", null], ["d", "d", null]]);
});

test("a task starts as soon as its own upstream completes, not its level", async () => {
  const h = start(
    pipeline({ name: "eager" })
      .task("slow", async (_i, ctx) => h.clock.sleep(100, ctx.signal))
      .task("fast", () => 1)
      .task("after-fast", { needs: ["fast"] }, () => 2),
  );
  await until(() => h.clock.sleepers === 1);
  assert.deepEqual(path(h.sink.events, "after-fast"), ["Pending->Running", "Running->Completed"]);
  await h.clock.advance(100);
  assert.equal((await h.done).state, "Completed");
});

test("the run's concurrency limit holds", async () => {
  let active = 0;
  let peak = 0;
  let p = pipeline({ name: "wide" });
  for (let i = 0; i < 6; i++) {
    p = p.task(`t${i}`, async (_i, ctx) => {
      peak = Math.max(peak, ++active);
      await h.clock.sleep(10, ctx.signal);
      active--;
    }) as typeof p;
  }
  const h = start(p, { concurrency: 2 });
  for (let round = 0; round < 3; round++) {
    await until(() => h.clock.sleepers === 2, "two sleepers");
    await h.clock.advance(10);
  }
  assert.equal((await h.done).state, "Completed");
  assert.equal(peak, 2);
});

test("named pool limits hold alongside unpooled tasks", async () => {
  let inPool = 0;
  let peak = 0;
  const pooled = async (_i: unknown, ctx: { signal: AbortSignal }) => {
    peak = Math.max(peak, ++inPool);
    await h.clock.sleep(10, ctx.signal);
    inPool--;
  };
  const p = pipeline({ name: "pools" })
    .task("g1", { pool: "gpu" }, pooled)
    .task("g2", { pool: "gpu" }, pooled)
    .task("g3", { pool: "gpu" }, pooled)
    .task("free", async (_i, ctx) => h.clock.sleep(10, ctx.signal));
  const h = start(p, { concurrency: 10, pools: createPoolGate({ gpu: 1 }) });
  await until(() => h.clock.sleepers === 2, "one gpu task and the free task");
  for (let i = 0; i < 3; i++) {
    await h.clock.advance(10);
    await tick();
  }
  assert.equal((await h.done).state, "Completed");
  assert.equal(peak, 1);
});

test("a failure skips everything downstream while an independent branch completes; the run fails", async () => {
  const h = start(
    pipeline({ name: "branches" })
      .task("bad", () => {
        throw new Error("boom");
      })
      .task("child", { needs: ["bad"] }, () => 1)
      .task("grandchild", { needs: ["child"] }, () => 2)
      .task("other", async (_i, ctx) => (await h.clock.sleep(5, ctx.signal), "ok"))
      .task("after-other", { needs: ["other"] }, ({ upstream }) => upstream.other),
  );
  await until(() => h.clock.sleepers === 1);
  assert.deepEqual(path(h.sink.events, "grandchild"), ["Pending->Skipped"]);
  await h.clock.advance(5);
  const o = await h.done;
  assert.equal(o.state, "Failed");
  assert.match(o.error?.message ?? "", /1 task\(s\) failed: bad/);
  assert.deepEqual(states(o), { bad: "Failed", child: "Skipped", grandchild: "Skipped", other: "Completed", "after-other": "Completed" });
  const err = o.tasks.get("bad")?.error;
  assert.equal(err?.message, "boom");
  assert.match(err?.stack ?? "", /scheduling\.test\.ts/);
});

test("a non-JSON result reaches downstream tasks but is recorded as not persisted", async () => {
  const h = start(
    pipeline({ name: "memory" })
      .task("m", () => new Map([["k", 1]]))
      .task("use", { needs: ["m"] }, ({ upstream }) => upstream.m.get("k")),
  );
  const o = await h.done;
  assert.equal(o.tasks.get("use")?.result, 1);
  assert.equal(o.tasks.get("m")?.persisted, false);
  const done = path(h.sink.events, "m");
  assert.deepEqual(done, ["Pending->Running", "Running->Completed"]);
  const completed = h.sink.events.find((e) => e.type === "task:transition" && e.task === "m" && e.to === "Completed");
  assert.ok(completed?.type === "task:transition" && completed.reason === "result-not-persisted" && completed.resultJson === undefined);
});

test("ctx.log emits log:line with task and attempt, redacting tokens", async () => {
  const h = start(
    pipeline({ name: "logs" }).task("t", (_i, ctx) => {
      ctx.log.info("hello");
      ctx.log.warn("token ema_secret123");
      assert.equal(ctx.task, "t");
      assert.equal(ctx.pipeline, "logs");
      assert.equal(ctx.runId, "run-1");
      assert.equal(ctx.signal.aborted, false);
    }),
  );
  await h.done;
  const lines = h.sink.events.filter((e) => e.type === "log:line");
  assert.deepEqual(
    lines.map((e) => e.type === "log:line" && [e.task, e.attempt, e.level, e.message]),
    [["t", 1, "info", "hello"], ["t", 1, "warn", "token ema_***"]],
  );
});

test("ctx.arraylake comes from arraylakeFor, made lazily per task key", async () => {
  const asked: string[] = [];
  const o = await run(
    pipeline({ name: "al" })
      .task("quiet", () => 1)
      .task("reader", (_i, ctx) => ctx.arraylake),
    { arraylakeFor: (task, runId) => (asked.push(task ?? "(run)"), { task, runId }) },
  );
  assert.deepEqual(asked, ["reader"]);
  assert.deepEqual(o.tasks.get("reader")?.result, { task: "reader", runId: "run-1" });
});

test("10,000 synchronous tasks in a chain run without deep recursion", async () => {
  // built directly: chaining .task() 10,000 times copies the task list each time
  const tasks = Array.from({ length: 10_000 }, (_, i) => ({ name: `t${i}`, options: i ? { needs: [`t${i - 1}`] } : {}, run: () => i, location: {} }));
  const o = await run(new Pipeline({ name: "chain" }, tasks, {}) as AnyPipeline);
  assert.equal(o.state, "Completed");
  assert.equal(o.tasks.get("t9999")?.result, 9999);
});
