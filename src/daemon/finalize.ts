/**
 * @module Ending a run whose process is gone: every task that did not finish gets a terminal state, then the run
 * does (Crashed with the exit code or signal, Cancelled, TimedOut, or what the process reported). Nothing is left
 * Running in the database.
 */
import type { ErrorInfo } from "../core/errors.ts";
import type { RunEvent } from "../core/events.ts";
import { isTerminalRunState, isTerminalTaskState, type RunState, type TaskState } from "../core/states.ts";
import type { RunDetail } from "../store/index.ts";

export type EndState = Extract<RunState, "Crashed" | "Cancelled" | "TimedOut" | "Failed" | "Completed">;

const TASK_END: Record<EndState, TaskState> = {
  Crashed: "Failed", Failed: "Failed", Cancelled: "Cancelled", TimedOut: "TimedOut", Completed: "Cancelled",
};

/** The events that end `run` in `to` (none when it has already ended). */
export function endRunEvents(run: RunDetail, to: EndState, reason: string, at: number, error?: ErrorInfo): RunEvent[] {
  if (isTerminalRunState(run.state)) return [];
  const events: RunEvent[] = [];
  const taskError: ErrorInfo = error ?? { name: to, message: reason };
  for (const t of run.tasks) {
    if (isTerminalTaskState(t.state)) continue;
    // a task that never started did not fail: it was cancelled with its run (and only Running can time out)
    const end = TASK_END[to];
    const allowed: TaskState = t.state === "Pending" ? "Cancelled" : t.state === "Running" || end !== "TimedOut" ? end : "Cancelled";
    events.push({
      type: "task:transition", runId: run.id, task: t.task, from: t.state, to: allowed, at,
      attempt: Math.max(1, t.attempts), reason, ...(allowed === "Failed" ? { error: taskError } : {}),
    });
  }
  events.push({ type: "run:transition", runId: run.id, from: run.state, to, at, reason, ...(to === "Cancelled" ? {} : { error: taskError }) });
  return events;
}
