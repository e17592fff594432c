/**
 * @module The shared state of one executing run, and the one function through which every task state change
 * goes: it checks the transition table, updates the row, appends the event and notices when the run is done.
 */
import type { Clock } from "../core/clock.ts";
import type { ErrorInfo } from "../core/errors.ts";
import type { RunEventSink, TaskTransitionEvent } from "../core/events.ts";
import { TERMINAL_TASK_STATES, checkTaskTransition, type RunState, type TaskState } from "../core/states.ts";
import type { Deque } from "./deque.ts";
import type { TaskRun } from "./task-run.ts";
import type { CacheLookup, ChildRunner, PoolGate, PreviousTask, QuickLookFn } from "./types.ts";

export interface RunContext {
  readonly runId: string;
  readonly pipeline: string;
  /** The plan's version (content hash of the pipeline's code and spec): part of every `cache: "inputs"` key. */
  readonly version: string;
  readonly params: unknown;
  /** The run's logical date in ms (`ctx.scheduledFor`). */
  readonly scheduledFor: number;
  /** Why the run exists (`ctx.trigger`), as recorded on the run. */
  readonly trigger: unknown;
  readonly sink: RunEventSink;
  readonly clock: Clock;
  readonly concurrency: number;
  readonly pools: PoolGate | undefined;
  readonly previous: ReadonlyMap<string, PreviousTask> | undefined;
  readonly cacheLookup: CacheLookup | undefined;
  readonly arraylakeFor: ((task: string | undefined, runId: string) => unknown) | undefined;
  readonly quicklookFor: QuickLookFn | undefined;
  readonly childRuns: ChildRunner | undefined;
  /** Artifacts attached so far: the last number given and their bytes (for the per-run limit). */
  readonly artifacts: { seq: number; bytes: number };
  readonly random: () => number;
  /** Aborted when the run is cancelled or times out: stops retry sleeps and pool waits. */
  readonly abort: AbortController;
  /** Hooks in flight (the run's outcome waits for them), and how long one may run unless its task says. */
  readonly hooks: Set<Promise<void>>;
  readonly hookTimeoutMs: number;

  /** Every row by key, in creation order. */
  readonly tasks: Map<string, TaskRun>;
  /** Tasks whose upstream tasks all succeeded, not yet looked at (previous result, cache, fan-out). */
  readonly ready: Deque<TaskRun>;
  /** Tasks holding what they need except a run slot. */
  readonly queue: Deque<TaskRun>;
  running: number;
  pumping: boolean;
  /** Rows not yet in a terminal state; the run ends when this reaches zero. */
  open: number;
  failed: boolean;
  /** Set once the run is ending: no new work starts. */
  stopping: RunState | undefined;
  /** Called once `open` reaches zero outside an abort. */
  onDone: () => void;
  /** Wired by executeRun (hooks, so that dispatch and lifecycle do not import each other). */
  prepare: (t: TaskRun) => void;
  attemptDone: (t: TaskRun, ok: boolean, value: unknown, timedOut: boolean) => void;
  /** An engine bug or a failing sink: ends the run with an error. */
  crash: (error: unknown) => void;
}

export type TransitionDetail = Partial<
  Pick<TaskTransitionEvent, "reason" | "error" | "resultJson" | "cacheKey" | "retryAt">
>;

/** Applies a checked task transition and appends its event. */
export function transition(run: RunContext, t: TaskRun, to: TaskState, detail?: TransitionDetail): void {
  const from = t.state;
  checkTaskTransition(t.key, from, to);
  t.state = to;
  const at = run.clock.now();
  if (to === "Running" && t.startedAt === undefined) t.startedAt = at;
  if (detail?.error !== undefined) t.error = detail.error;
  run.sink.emit(
    detail === undefined
      ? { type: "task:transition", runId: run.runId, task: t.key, from, to, at, attempt: t.attempts }
      : { type: "task:transition", runId: run.runId, task: t.key, from, to, at, attempt: t.attempts, ...detail },
  );
  if (TERMINAL_TASK_STATES.has(to)) {
    t.endedAt = at;
    t.input = undefined; // upstream results can be collected young (items hold their own input)
    if (to === "Failed" || to === "TimedOut") run.failed = true;
    if (--run.open === 0 && run.stopping === undefined) run.onDone();
  }
}

/** Appends the task:create event for a new row. */
export function created(run: RunContext, t: TaskRun): void {
  run.tasks.set(t.key, t);
  run.open++;
  run.sink.emit({
    type: "task:create",
    runId: run.runId,
    task: t.key,
    parent: t.spec.name,
    mapIndex: t.mapIndex,
    at: run.clock.now(),
  });
}

export const errorDetail = (error: ErrorInfo, reason?: string): TransitionDetail =>
  reason === undefined ? { error } : { error, reason };
