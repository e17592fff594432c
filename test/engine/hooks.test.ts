import { test } from "node:test";
import assert from "node:assert/strict";
import { expectTypeOf } from "expect-type";
import type { RunEvent } from "../../src/core/events.ts";
import type { HookContext } from "../../src/dsl/context.ts";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { path, run, start, tick, until } from "./helpers.ts";

const logs = (events: readonly RunEvent[]) =>
  events.flatMap((e) => (e.type === "log:line" ? [`${e.level}|${e.task ?? "-"}|${e.message}`] : []));

test("task and pipeline hooks get the result or error and the context, and the run waits for them", async () => {
  const seen: string[] = [];
  let calls = 0;
  const p = pipeline({
    name: "hooked",
    onSuccess: (results, ctx) => void seen.push(`run onSuccess ${ctx.state} ${JSON.stringify(results)} task=${String(ctx.task)}`),
  })
    .task("count", {
      onSuccess: async (n, ctx) => {
        expectTypeOf(n).toEqualTypeOf<number>();
        await new Promise((r) => setTimeout(r, 5));
        seen.push(`count onSuccess ${n + 1} ${ctx.task} ${ctx.state} attempt ${ctx.attempt}`);
        ctx.log.info("told someone");
      },
    }, () => 41)
    .task("flaky", {
      retries: 1,
      onRetry: (error, ctx) => void seen.push(`flaky onRetry ${error.message} ${ctx.state} retryAt=${ctx.retryAt?.getTime()}`),
      onSuccess: [(v) => void seen.push(`flaky onSuccess ${v}`), (v) => void seen.push(`flaky second ${v}`)],
    }, () => {
      if (++calls === 1) throw new Error("first try");
      return "ok";
    });
  const h = start(p);
  const o = await h.done;
  assert.equal(o.state, "Completed");
  assert.deepEqual(seen.sort(), [
    "count onSuccess 42 count Completed attempt 1",
    "flaky onRetry first try AwaitingRetry retryAt=1000",
    "flaky onSuccess ok",
    "flaky second ok",
    'run onSuccess Completed {"count":41,"flaky":"ok"} task=undefined',
  ]);
  assert.ok(logs(h.sink.events).includes("info|count|told someone"), "a hook's log lines are the run's");
});

test("onFailure after the last attempt (also on a task timeout), the pipeline's onFailure with the run's error", async () => {
  const seen: string[] = [];
  const p = pipeline({ name: "fails", onFailure: (e, ctx) => void seen.push(`run ${ctx.state} ${e.name}: ${e.message}`) })
    .task("bad", { retries: 1, onFailure: (e, ctx) => void seen.push(`bad ${ctx.state} attempt ${ctx.attempt} ${e.message}`) }, () => {
      throw new Error("broken");
    })
    .task("slow", { timeout: 50, onFailure: (e, ctx) => void seen.push(`slow ${ctx.state} ${e.name}`) }, () => new Promise(() => {}))
    .task("never", { needs: ["bad"], onFailure: () => void seen.push("never") }, () => 1);
  const h = start(p);
  await until(() => h.clock.sleepers > 0, "timers");
  await h.clock.advance(50);
  const o = await h.done;
  assert.equal(o.state, "Failed");
  assert.deepEqual(seen.sort(), [
    "bad Failed attempt 2 broken",
    "run Failed RunFailed: 2 task(s) failed: bad, slow",
    "slow TimedOut TaskTimeoutError",
  ]);
});

test("a hook that throws is logged against the run and changes no state", async () => {
  const p = pipeline({ name: "throws", onSuccess: () => { throw new TypeError("pipeline hook bug"); } })
    .task("a", { onSuccess: async () => { throw new Error("hook bug"); } }, () => 1)
    .task("b", { needs: ["a"] }, ({ upstream }) => upstream.a + 1);
  const h = start(p);
  const o = await h.done;
  assert.equal(o.state, "Completed");
  assert.deepEqual(path(h.sink.events, "a"), ["Pending->Running", "Running->Completed"]);
  assert.equal(o.tasks.get("b")?.result, 2);
  assert.deepEqual(logs(h.sink.events), [
    'error|a|onSuccess hook of task "a" threw Error: hook bug',
    'error|-|onSuccess hook of pipeline "throws" threw TypeError: pipeline hook bug',
  ]);
});

test("a hook that hangs is abandoned after hookTimeout: its signal aborts, the run's outcome resolves", async () => {
  let signal: AbortSignal | undefined;
  const p = pipeline({ name: "hangs", hookTimeout: "2s" })
    .task("a", { hookTimeout: 500, onSuccess: (_v, ctx) => { signal = ctx.signal; return new Promise(() => {}); } }, () => 1)
    .task("b", { onSuccess: () => new Promise(() => {}) }, () => 2);
  const h = start(p);
  await until(() => h.clock.sleepers === 2, "two hook timers");
  assert.equal(h.outcome, undefined, "the outcome waits for hooks");
  await h.clock.advance(500);
  assert.equal(signal?.aborted, true);
  await tick();
  assert.equal(h.outcome, undefined, "b's hook has the pipeline's 2 s");
  await h.clock.advance(1500);
  const o = await h.done;
  assert.equal(o.state, "Completed");
  assert.deepEqual(logs(h.sink.events), [
    'error|a|onSuccess hook of task "a" did not finish within 500 ms; abandoned (hookTimeout)',
    'error|b|onSuccess hook of task "b" did not finish within 2000 ms; abandoned (hookTimeout)',
  ]);
});

test("a pipeline's onRetry instead of onFailure when a run-level retry follows; none on Cancelled", async () => {
  const seen: string[] = [];
  const hooks = {
    onFailure: (e: Error) => void seen.push(`onFailure ${e.message}`),
    onRetry: (e: Error, ctx: HookContext) => void seen.push(`onRetry ${ctx.state}`),
  };
  const failing = pipeline({ name: "r", ...hooks }).task("x", () => {
    throw new Error("x");
  });
  await run(failing, { runRetryFollows: true });
  await run(failing);
  const controller = new AbortController();
  const h = start(pipeline({ name: "c", ...hooks }).task("wait", () => new Promise(() => {})), { signal: controller.signal });
  await tick();
  controller.abort(new Error("stop"));
  assert.equal((await h.done).state, "Cancelled");
  assert.deepEqual(seen, ["onRetry Failed", "onFailure 1 task(s) failed: x"]);
});

test("a hook option that is not a function is a load-time diagnostic; hookTimeout is checked as a duration", async () => {
  const { validatePipeline } = await import("../../src/dsl/validate.ts");
  const bad = pipeline({ name: "bad", onFailure: "page me" as never, hookTimeout: "soon" as never })
    .task("t", { onRetry: [() => {}, 3] as never }, () => 1);
  const result = validatePipeline(bad as never);
  assert.ok(!result.ok);
  assert.deepEqual(result.diagnostics.map((d) => `${d.path}: ${d.message.slice(0, 30)}`).sort(), [
    "hookTimeout: a duration: milliseconds, or t",
    "onFailure: expected a function or a list ",
    "tasks.t.onRetry: expected a function or a list ",
  ]);
  const good = validatePipeline(pipeline({ name: "ok", hookTimeout: "5s", onSuccess: () => {} }).task("t", { onSuccess: [() => {}] }, () => 1) as never);
  assert.ok(good.ok && good.spec.hookTimeout === "5s" && !("onSuccess" in good.spec));
});
