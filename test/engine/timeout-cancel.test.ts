import { test } from "node:test";
import assert from "node:assert/strict";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { path, runStates, start, states, taskEvents, tick, until } from "./helpers.ts";

const forever = (): Promise<never> => new Promise(() => {});

test("a task that ignores its signal is reported TimedOut exactly at its timeout; its signal is aborted", async () => {
  let signal: AbortSignal | undefined;
  const h = start(
    pipeline({ name: "to" })
      .task("stuck", { timeout: "2s" }, (_i, ctx) => ((signal = ctx.signal), forever()))
      .task("next", { needs: ["stuck"] }, () => 1),
  );
  await until(() => h.clock.sleepers === 1);
  await h.clock.advance(1999);
  assert.equal(h.outcome, undefined);
  await h.clock.advance(1);
  const o = await h.done;
  assert.equal(o.state, "Failed");
  assert.deepEqual(states(o), { stuck: "TimedOut", next: "Skipped" });
  const timedOut = taskEvents(h.sink.events, "stuck").at(-1)!;
  assert.equal(timedOut.at - o.tasks.get("stuck")!.startedAt!, 2000);
  assert.equal(timedOut.error?.tag, "TaskTimeoutError");
  assert.equal(signal?.aborted, true);
});

test("a timed-out attempt is retried when the policy allows; a late result is ignored", async () => {
  let calls = 0;
  let resolveFirst: (v: string) => void = () => {};
  const h = start(
    pipeline({ name: "to-retry" }).task("t", { timeout: 100, retries: 1 }, () =>
      ++calls === 1 ? new Promise<string>((r) => (resolveFirst = r)) : "second",
    ),
  );
  await until(() => h.clock.sleepers === 1);
  await h.clock.advance(100);
  const o = await h.done;
  resolveFirst("first, too late");
  await tick();
  assert.equal(o.state, "Completed");
  assert.equal(o.tasks.get("t")?.result, "second");
  assert.deepEqual(path(h.sink.events, "t"), ["Pending->Running", "Running->AwaitingRetry", "AwaitingRetry->Running", "Running->Completed"]);
});

test("cancel: running (signal ignored), waiting-to-retry and pending tasks end Cancelled at once", async () => {
  const controller = new AbortController();
  let signal: AbortSignal | undefined;
  const h = start(
    pipeline({ name: "cancel" })
      .task("stuck", (_i, ctx) => ((signal = ctx.signal), forever()))
      .task("after", { needs: ["stuck"] }, () => 1)
      .task("retrying", { retries: { attempts: 3, delay: "1h" } }, () => {
        throw new Error("again");
      })
      .task("done", () => "ok"),
    { signal: controller.signal },
  );
  await until(() => h.clock.sleepers === 1, "the retry to wait");
  controller.abort();
  const o = await h.done;
  assert.equal(o.state, "Cancelled");
  assert.deepEqual(states(o), { stuck: "Cancelled", after: "Cancelled", retrying: "Cancelled", done: "Completed" });
  assert.deepEqual(runStates(h.sink.events), ["Running", "Cancelled"]);
  assert.equal(signal?.aborted, true);
  assert.equal(h.clock.sleepers, 0, "the retry's sleep was cancelled");
});

test("a run cancelled before it starts runs nothing", async () => {
  let ran = false;
  const o = await start(pipeline({ name: "pre" }).task("a", () => (ran = true)), { signal: AbortSignal.abort() }).done;
  assert.equal(o.state, "Cancelled");
  assert.equal(ran, false);
  assert.deepEqual(states(o), { a: "Cancelled" });
});

test("run timeout: running tasks TimedOut, the rest Cancelled, run TimedOut", async () => {
  const h = start(
    pipeline({ name: "run-to" })
      .task("stuck", () => forever())
      .task("after", { needs: ["stuck"] }, () => 1),
    { timeoutMs: 500 },
  );
  await until(() => h.clock.sleepers === 1);
  await h.clock.advance(500);
  const o = await h.done;
  assert.equal(o.state, "TimedOut");
  assert.deepEqual(states(o), { stuck: "TimedOut", after: "Cancelled" });
  assert.equal(o.endedAt - o.startedAt, 500);
});
