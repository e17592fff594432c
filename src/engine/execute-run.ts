/**
 * @module `executeRun`: runs one plan to a terminal run state, reporting every change to the sink. The run ends
 * when every row is terminal, or at once on cancellation or run timeout (running attempts are abandoned, their
 * signals aborted). Resolves after the sink has flushed.
 */
import { setMaxListeners } from "node:events";
import { toErrorInfo, type ErrorInfo } from "../core/errors.ts";
import { TERMINAL_TASK_STATES, checkRunTransition, type RunState } from "../core/states.ts";
import type { TaskDefinition } from "../dsl/pipeline.ts";
import { abortAttempt } from "./attempt.ts";
import { Deque } from "./deque.ts";
import { pump } from "./dispatch.ts";
import { PlanMismatchError, RunCancelledError, RunTimeoutError } from "./errors.ts";
import { asError, DEFAULT_HOOK_TIMEOUT_MS, fireHooks, hooksOf, hooksSettled, type HookName } from "./hooks.ts";
import { attemptDone, prepare } from "./lifecycle.ts";
import { created, transition, type RunContext } from "./run-context.ts";
import { TaskRun } from "./task-run.ts";
import type { ExecuteRunOptions, RunOutcome } from "./types.ts";

/**
 * @example
 * const outcome = await executeRun({ runId, pipeline, plan, params, sink, clock: systemClock, concurrency: 8 });
 * if (outcome.state !== "Completed") process.exitCode = 1;
 */
export function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const { runId, plan, sink, clock } = options;
  if (!(options.concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${options.concurrency}`);
  const defs = new Map<string, TaskDefinition>(options.pipeline.tasks.map((d) => [d.name, d]));
  const missing = plan.tasks.filter((t) => !defs.has(t.name)).map((t) => t.name);
  if (missing.length > 0) throw new PlanMismatchError(`plan tasks without a definition: ${missing.join(", ")}`);

  return new Promise<RunOutcome>((resolve, reject) => {
    let finished = false;
    let state: RunState = "Pending";
    const startedAt = clock.now();
    const runTimer = new AbortController();
    const runAbort = new AbortController();
    setMaxListeners(0, runAbort.signal); // every retry sleep and pool wait listens to it

    const move = (to: RunState, error?: ErrorInfo, reason?: string): void => {
      checkRunTransition(runId, state, to);
      sink.emit({ type: "run:transition", runId, from: state, to, at: clock.now(), error, reason });
      state = to;
    };
    const finish = (to: RunState, error?: ErrorInfo, reason?: string): void => {
      if (finished) return;
      finished = true;
      run.stopping ??= to;
      runTimer.abort();
      options.signal?.removeEventListener("abort", onCancel);
      move(to, error, reason);
      const outcome: RunOutcome = { runId, state: to, startedAt, endedAt: clock.now(), tasks: run.tasks, error };
      // deferred: a task hook fired by the transition that ended the run is registered right after it
      Promise.resolve()
        .then(() => hooksSettled(run))
        .then(() => pipelineHooks(outcome))
        .then(() => hooksSettled(run))
        .then(() => sink.flush())
        .then(() => resolve(outcome), reject);
    };
    /** The pipeline's hooks for the run's end: after every task hook, before the outcome resolves. */
    const pipelineHooks = (outcome: RunOutcome): void => {
      const failed = outcome.state === "Failed" || outcome.state === "TimedOut";
      if (outcome.state !== "Completed" && !failed) return;
      const name: HookName = !failed ? "onSuccess" : options.runRetryFollows ? "onRetry" : "onFailure";
      const fns = hooksOf(options.pipeline.options[name]);
      if (fns.length === 0) return;
      const value = !failed ? resultsOf(outcome) : asError(Object.assign(new Error(outcome.error?.message ?? outcome.state), { name: outcome.error?.name ?? "RunFailed" }));
      fireHooks(run, fns, value, { name, owner: `pipeline "${run.pipeline}"`, task: undefined, attempt: 0, state: outcome.state, timeoutMs: run.hookTimeoutMs });
    };
    /** Cancellation or run timeout: every row not yet terminal ends now. */
    const stop = (to: "Cancelled" | "TimedOut", reason: unknown): void => {
      if (run.stopping !== undefined) return;
      run.stopping = to;
      run.abort.abort(reason);
      const error = toErrorInfo(reason);
      for (const t of run.tasks.values()) {
        if (TERMINAL_TASK_STATES.has(t.state)) continue;
        const wasRunning = t.live !== undefined;
        abortAttempt(run, t, reason);
        if (t.poolRelease !== undefined) t.poolRelease();
        t.poolRelease = undefined;
        transition(run, t, to === "TimedOut" && wasRunning ? "TimedOut" : "Cancelled", { error });
      }
      finish(to, error);
    };
    const onCancel = (): void => stop("Cancelled", options.signal?.reason ?? new RunCancelledError("run cancelled"));

    const run: RunContext = {
      runId,
      pipeline: plan.pipeline,
      version: plan.version,
      params: options.params,
      scheduledFor: options.scheduledFor ?? clock.now(),
      trigger: options.trigger ?? { kind: "manual", detail: null },
      sink,
      clock,
      concurrency: options.concurrency,
      pools: options.pools,
      previous: options.previous,
      cacheLookup: options.cacheLookup,
      arraylakeFor: options.arraylakeFor,
      quicklookFor: options.quicklookFor,
      childRuns: options.childRuns,
      artifacts: { seq: 0, bytes: 0 },
      random: options.random ?? Math.random,
      abort: runAbort,
      hooks: new Set(),
      hookTimeoutMs: plan.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
      tasks: new Map(),
      ready: new Deque(),
      queue: new Deque(),
      running: 0,
      pumping: false,
      open: 0,
      failed: false,
      stopping: undefined,
      onDone: () => {
        if (!run.failed && options.beforeComplete === undefined) return finish("Completed");
        if (!run.failed) {
          // e.g. commit-on-success: the run is Completed only once its writes are committed
          options.beforeComplete!().then(
            () => finish("Completed"),
            (error: unknown) => finish("Failed", toErrorInfo(error), "before-complete hook failed"),
          );
          return;
        }
        const bad = [...run.tasks.values()].filter((t) => t.parent === undefined && (t.state === "Failed" || t.state === "TimedOut"));
        const names = bad.map((t) => t.key);
        finish("Failed", { name: "RunFailed", message: `${names.length} task(s) failed: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""}` });
      },
      crash: (error) => {
        if (finished) return;
        finished = true;
        run.stopping ??= "Crashed";
        run.abort.abort(error);
        runTimer.abort();
        options.signal?.removeEventListener("abort", onCancel);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
      prepare: (t) => prepare(run, t),
      attemptDone: (t, ok, value, timedOut) => attemptDone(run, t, ok, value, timedOut),
    };

    try {
      move("Running");
      for (const spec of plan.tasks) created(run, new TaskRun(spec.name, spec, defs.get(spec.name)!, null, undefined, undefined));
      for (const t of run.tasks.values()) {
        for (const need of t.spec.needs) {
          const up = run.tasks.get(need);
          if (up === undefined) throw new PlanMismatchError(`task ${t.key} needs unknown task ${need}`);
          t.upstream.push(up);
          up.downstream.push(t);
        }
        t.waiting = t.upstream.length;
      }
      const timeoutMs = options.timeoutMs ?? plan.timeoutMs;
      if (timeoutMs !== undefined) {
        clock.sleep(timeoutMs, runTimer.signal).then(() => stop("TimedOut", new RunTimeoutError(timeoutMs)), () => {});
      }
      if (options.signal?.aborted) return onCancel();
      options.signal?.addEventListener("abort", onCancel, { once: true });
      for (const t of run.tasks.values()) if (t.waiting === 0) run.ready.push(t);
      queueMicrotask(() => pump(run)); // task code never runs inside the executeRun call itself
    } catch (error) {
      run.crash(error);
    }
  });
}

/** Every successful task's (and mapped item's) result, by task key: what a pipeline's `onSuccess` receives. */
function resultsOf(outcome: RunOutcome): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  for (const [key, t] of outcome.tasks) if (t.state === "Completed" || t.state === "Cached") results[key] = t.result;
  return results;
}
