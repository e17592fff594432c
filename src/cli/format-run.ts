/** @module How a run looks on the command line: the human table (the `--json` document is `api/run-document.ts`). */
import { formatDuration } from "../core/duration.ts";
import type { RunDetail, RunRecord, TaskRunRecord } from "../store/index.ts";

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function elapsed(start: number | null, end: number | null, now = Date.now()): string {
  if (start === null) return "-";
  return formatDuration((end ?? now) - start);
}

export const RUN_HEADER = ["RUN".padEnd(26), "PIPELINE".padEnd(20), "STATE".padEnd(10), "CREATED".padEnd(20), "DURATION".padStart(8), "TRIGGER"].join("  ");

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

/** Task names with mapped items (`name[i]`) right after their task, in index order. */
export function treeOrder<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  const itemRe = /^(.*)\[(\d+)\]$/;
  const children = new Map<string, { index: number; item: T }[]>();
  const roots: T[] = [];
  for (const item of items) {
    const m = itemRe.exec(nameOf(item));
    if (m) children.set(m[1]!, [...(children.get(m[1]!) ?? []), { index: Number(m[2]), item }]);
    else roots.push(item);
  }
  return roots.flatMap((r) => [r, ...(children.get(nameOf(r)) ?? []).sort((a, b) => a.index - b.index).map((c) => c.item)]);
}

/** Mapped items right after their task, in index order. */
export const inTreeOrder = (tasks: readonly TaskRunRecord[]): TaskRunRecord[] => treeOrder(tasks, (t) => t.task);
