/**
 * @module Run and task states as data: const objects, derived unions, terminal sets and transition tables.
 * Every state change in floe goes through {@link checkRunTransition} / {@link checkTaskTransition}.
 */
import { InvalidTransitionError } from "./errors.ts";

export const RunState = {
  Scheduled: "Scheduled",
  Pending: "Pending",
  Running: "Running",
  Cancelling: "Cancelling",
  Completed: "Completed",
  Failed: "Failed",
  Cancelled: "Cancelled",
  Crashed: "Crashed",
  TimedOut: "TimedOut",
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export const TaskState = {
  Pending: "Pending",
  Running: "Running",
  AwaitingRetry: "AwaitingRetry",
  Completed: "Completed",
  Cached: "Cached",
  Failed: "Failed",
  TimedOut: "TimedOut",
  Cancelled: "Cancelled",
  Skipped: "Skipped",
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

export const RUN_STATES = Object.values(RunState);
export const TASK_STATES = Object.values(TaskState);

export const TERMINAL_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>([
  "Completed", "Failed", "Cancelled", "Crashed", "TimedOut",
]);
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  "Completed", "Cached", "Failed", "TimedOut", "Cancelled", "Skipped",
]);
/** Task states whose result downstream tasks may use. */
export const SUCCESSFUL_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>(["Completed", "Cached"]);

const runEnds = ["Failed", "Cancelled", "Crashed", "TimedOut"] as const;
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  Scheduled: ["Pending", "Running", ...runEnds],
  Pending: ["Running", ...runEnds],
  Running: ["Completed", "Cancelling", ...runEnds],
  Cancelling: ["Cancelled", "Completed", "Failed", "Crashed", "TimedOut"],
  Completed: [],
  Failed: [],
  Cancelled: [],
  Crashed: [],
  TimedOut: [],
};

export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  Pending: ["Running", "Cached", "Skipped", "Cancelled", "Failed"],
  Running: ["Completed", "Failed", "TimedOut", "Cancelled", "AwaitingRetry"],
  AwaitingRetry: ["Running", "Cancelled", "Failed"],
  Completed: [],
  Cached: [],
  Failed: [],
  TimedOut: [],
  Cancelled: [],
  Skipped: [],
};

export const isTerminalRunState = (state: RunState): boolean => TERMINAL_RUN_STATES.has(state);
export const isTerminalTaskState = (state: TaskState): boolean => TERMINAL_TASK_STATES.has(state);

export function canTransitionRun(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}
export function canTransitionTask(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

/** Throws {@link InvalidTransitionError} unless `from -> to` is in the run table. */
export function checkRunTransition(runId: string, from: RunState, to: RunState): void {
  if (!canTransitionRun(from, to)) throw new InvalidTransitionError({ kind: "run", id: runId, from, to });
}
/** Throws {@link InvalidTransitionError} unless `from -> to` is in the task table. */
export function checkTaskTransition(id: string, from: TaskState, to: TaskState): void {
  if (!canTransitionTask(from, to)) throw new InvalidTransitionError({ kind: "task", id, from, to });
}
