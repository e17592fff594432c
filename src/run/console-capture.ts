/**
 * @module Task console output as log lines: in a run process, `console.*` calls become `log:line` events,
 * attributed to the task whose code made them (AsyncLocalStorage around each task function).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import type { LogLevel, RunEvent } from "../core/events.ts";
import type { TaskDefinition } from "../dsl/pipeline.ts";

interface TaskScope {
  task: string;
  attempt: number;
}

export interface ConsoleCapture {
  /** Wraps each task function so console output inside it is attributed to the task. */
  wrapTasks(tasks: readonly TaskDefinition[]): void;
  restore(): void;
}

const METHODS: readonly [keyof Console, LogLevel][] = [
  ["log", "info"], ["info", "info"], ["debug", "debug"], ["warn", "warn"], ["error", "error"], ["trace", "debug"],
];

export function captureConsole(runId: string, emit: (event: RunEvent) => void, now: () => number): ConsoleCapture {
  const scope = new AsyncLocalStorage<TaskScope>();
  const originals = new Map<keyof Console, unknown>();
  const target = console as unknown as Record<string, unknown>;
  for (const [method, level] of METHODS) {
    originals.set(method, target[method]);
    target[method] = (...args: unknown[]): void => {
      const where = scope.getStore();
      emit({
        type: "log:line", runId, level, message: format(...args), at: now(),
        ...(where ? { task: where.task, attempt: where.attempt } : {}),
      });
    };
  }
  return {
    wrapTasks(tasks) {
      for (const task of tasks) {
        const run = task.run;
        try {
          (task as { run: TaskDefinition["run"] }).run = (input, ctx) =>
            scope.run({ task: ctx.task, attempt: ctx.attempt }, () => run(input, ctx));
        } catch {
          // a frozen task keeps run-level attribution
        }
      }
    },
    restore() {
      for (const [method, fn] of originals) target[method] = fn;
    },
  };
}
