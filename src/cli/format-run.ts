/** @module How a run looks on the command line: the `--json` document and the human table. */
import { formatDuration } from "../core/duration.ts";
import type { RunDetail, RunRecord, TaskRunRecord } from "../store/index.ts";

/** The `--json` document for a run (the shape documented in the README). */
export function runDocument(run: RunDetail) {
  return {
    id: run.id,
    pipeline: run.pipeline,
    version: run.version,
    state: run.state,
    params: run.params,
    trigger: run.trigger.kind,
    retryOf: run.retryOf,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    error: run.error ? { name: run.error.name, message: run.error.message } : null,
    tasks: run.tasks.map((t) => ({
      name: t.task,
      state: t.state,
      attempts: t.attempts,
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
      error: t.error ? { name: t.error.name, message: t.error.message } : null,
    })),
  };
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function elapsed(start: number | null, end: number | null, now = Date.now()): string {
  if (start === null) return "-";
  return formatDuration((end ?? now) - start);
}

export function runLine(run: RunRecord): string {
  return [
    run.id,
    run.pipeline.padEnd(20),
    run.state.padEnd(10),
    (iso(run.createdAt) ?? "").replace(/\.\d+Z$/, "Z"),
    elapsed(run.startedAt, run.endedAt).padStart(8),
    run.trigger.kind,
  ].join("  ");
}

export function taskLine(task: TaskRunRecord, now = Date.now()): string {
  const attempts = task.attempts > 1 ? `  (${task.attempts} attempts)` : "";
  const error = task.error ? `  ${task.error.name}: ${task.error.message.split("\n")[0]}` : "";
  return `  ${task.task.padEnd(24)} ${task.state.padEnd(13)} ${elapsed(task.startedAt, task.endedAt, now).padStart(8)}${attempts}${error}`;
}

export function runSummary(run: RunDetail): string {
  const head = `run ${run.id}  ${run.pipeline}@${run.version}  ${run.state}  ${elapsed(run.startedAt, run.endedAt)}`;
  const error = run.error ? `\n  error: ${run.error.message}` : "";
  return `${head}${error}\n${inTreeOrder(run.tasks).map((t) => taskLine(t)).join("\n")}\n`;
}

/** Mapped items right after their task, in index order. */
export function inTreeOrder(tasks: readonly TaskRunRecord[]): TaskRunRecord[] {
  const items = new Map<string, TaskRunRecord[]>();
  for (const t of tasks) if (t.mapIndex !== null) items.set(t.parent, [...(items.get(t.parent) ?? []), t]);
  return tasks
    .filter((t) => t.mapIndex === null)
    .flatMap((t) => [t, ...(items.get(t.task) ?? []).sort((a, b) => a.mapIndex! - b.mapIndex!)]);
}
