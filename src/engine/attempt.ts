/**
 * @module One attempt of a task: call its function, and settle exactly once — when it returns or throws, when
 * its timeout fires, or when the run aborts it. A task that ignores its signal is still reported on time; its
 * late result is dropped. Synchronous results settle without a promise, and only timed attempts get a timer.
 */
import { TaskTimeoutError } from "./errors.ts";
import { AttemptContext } from "./attempt-context.ts";
import { transition, type RunContext } from "./run-context.ts";
import type { TaskRun } from "./task-run.ts";

const noop = (): void => {};

export function startAttempt(run: RunContext, t: TaskRun): void {
  t.attempts++;
  transition(run, t, "Running");
  const ctx = new AttemptContext(run, t.key, t.attempts);
  t.live = ctx;
  let value: unknown;
  try {
    value = t.def.run(t.input!, ctx);
  } catch (error) {
    return settle(run, t, ctx, false, error, false);
  }
  if (!isThenable(value)) return settle(run, t, ctx, true, value, false);
  if (t.spec.timeoutMs !== undefined) armTimeout(run, t, ctx, t.spec.timeoutMs);
  value.then(
    (result) => settle(run, t, ctx, true, result, false),
    (error: unknown) => settle(run, t, ctx, false, error, false),
  );
}

function armTimeout(run: RunContext, t: TaskRun, ctx: AttemptContext, timeoutMs: number): void {
  const timer = new AbortController();
  ctx.timer = timer;
  run.clock.sleep(timeoutMs, timer.signal).then(() => {
    if (t.live !== ctx) return;
    const error = new TaskTimeoutError(t.key, timeoutMs);
    ctx.abort(error);
    settle(run, t, ctx, false, error, true);
  }, noop);
}

function settle(run: RunContext, t: TaskRun, ctx: AttemptContext, ok: boolean, value: unknown, timedOut: boolean): void {
  if (t.live !== ctx) return; // already timed out or cancelled
  try {
    release(run, t, ctx);
    run.attemptDone(t, ok, value, timedOut);
  } catch (error) {
    run.crash(error);
  }
}

function release(run: RunContext, t: TaskRun, ctx: AttemptContext): void {
  t.live = undefined;
  ctx.timer?.abort();
  if (t.poolRelease !== undefined) {
    t.poolRelease();
    t.poolRelease = undefined;
  }
  run.running--;
}

/** Run abort: signal the attempt and free its slots now; whatever the task does later is ignored. */
export function abortAttempt(run: RunContext, t: TaskRun, reason: unknown): void {
  const ctx = t.live;
  if (ctx === undefined) return;
  release(run, t, ctx);
  ctx.abort(reason);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
