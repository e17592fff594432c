/**
 * @module Hooks (`onSuccess`, `onFailure`, `onRetry` of tasks and pipelines), run in the run process after the
 * state change that fires them. A hook never changes a state: a throw or a hook still running when its time is up
 * (`hookTimeout`, default 30 s; its signal is then aborted and it is abandoned) is an error line in the run's log.
 * The run's outcome resolves only once its hooks have settled, so a run process does not exit under them.
 */
import { toErrorInfo, type ErrorInfo } from "../core/errors.ts";
import type { LogLevel } from "../core/events.ts";
import { redact } from "../core/redact.ts";
import type { Hook, HookContext, TaskLogger } from "../dsl/context.ts";
import type { AttemptScope } from "./attempt-context.ts";

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

export type HookName = "onSuccess" | "onFailure" | "onRetry";

/** What a hook needs of its run (a RunContext is one). */
export interface HookScope extends AttemptScope {
  readonly params: unknown;
  /** Hooks in flight; the run's end waits for them. */
  readonly hooks: Set<Promise<void>>;
}

export interface HookCall {
  name: HookName;
  /** Where the hooks came from, for log lines: `task "write"` or `pipeline "ocean"`. */
  owner: string;
  task: string | undefined;
  attempt: number;
  state: string;
  retryAt?: number | undefined;
  timeoutMs: number;
}

/** A hook option as the author wrote it (one function or a list) -> the functions, in order. */
export function hooksOf(option: unknown): Hook<unknown>[] {
  if (typeof option === "function") return [option as Hook<unknown>];
  return Array.isArray(option) ? (option as Hook<unknown>[]) : [];
}

/** An Error for `onFailure`/`onRetry`: the thrown value when it is one, else an Error carrying it. */
export function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  const info: ErrorInfo = toErrorInfo(value);
  return Object.assign(new Error(info.message, { cause: value }), { name: info.name });
}

/** Starts the hooks (in order) and tracks them on the run; never rejects. */
export function fireHooks(run: HookScope, fns: readonly Hook<unknown>[], value: unknown, call: HookCall): void {
  if (fns.length === 0) return;
  const done = (async () => {
    for (const fn of fns) await runOne(run, fn, value, call);
  })();
  run.hooks.add(done);
  void done.finally(() => run.hooks.delete(done));
}

/** Resolves once every hook in flight (and any they lead to) has settled. */
export async function hooksSettled(run: HookScope): Promise<void> {
  while (run.hooks.size > 0) await Promise.all([...run.hooks]);
}

async function runOne(run: HookScope, fn: Hook<unknown>, value: unknown, call: HookCall): Promise<void> {
  const controller = new AbortController();
  const timer = new AbortController();
  const ctx = hookContext(run, call, controller.signal);
  const what = `${call.name} hook of ${call.owner}`;
  const timedOut = run.clock.sleep(call.timeoutMs, timer.signal).then(() => "timeout" as const, () => "cancelled" as const);
  try {
    const result = await Promise.race([Promise.resolve().then(() => fn(value, ctx)).then(() => "ok" as const), timedOut]);
    if (result === "timeout") {
      controller.abort(new Error(`${what} timed out`));
      ctx.log.error(`${what} did not finish within ${call.timeoutMs} ms; abandoned (hookTimeout)`);
    }
  } catch (error) {
    const info = toErrorInfo(error);
    ctx.log.error(`${what} threw ${info.name}: ${info.message}`);
  } finally {
    timer.abort();
  }
}

function hookContext(run: HookScope, call: HookCall, signal: AbortSignal): HookContext {
  const line = (level: LogLevel, message: string): void => {
    run.sink.emit({
      type: "log:line", runId: run.runId, task: call.task, attempt: call.task === undefined ? undefined : call.attempt,
      level, message: redact(String(message)), at: run.clock.now(),
    });
  };
  const log: TaskLogger = {
    debug: (m) => line("debug", m), info: (m) => line("info", m), warn: (m) => line("warn", m), error: (m) => line("error", m), log: line,
  };
  let client: { value: unknown } | undefined;
  return {
    runId: run.runId,
    pipeline: run.pipeline,
    task: call.task,
    attempt: call.attempt,
    state: call.state,
    retryAt: call.retryAt === undefined ? undefined : new Date(call.retryAt),
    scheduledFor: new Date(run.scheduledFor),
    trigger: run.trigger as HookContext["trigger"],
    params: run.params,
    signal,
    log,
    get arraylake(): HookContext["arraylake"] {
      if (run.arraylakeFor === undefined) throw new Error("ctx.arraylake is not configured for this run");
      client ??= { value: run.arraylakeFor(call.task, run.runId) };
      return client.value as HookContext["arraylake"];
    },
  };
}
