/**
 * @module A run record turned into the {@link RunAssignment} its child process executes: the same for the daemon
 * and for a cluster worker that claimed the run, so both start the child with the same data. Also the tasks of an
 * earlier run that a retry or resume reuses, in both forms (IPC records and the engine's map).
 */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import type { PreviousTask } from "../engine/index.ts";
import type { Plan } from "../plan/types.ts";
import type { RunRecord, TaskRunRecord } from "../store/index.ts";
import type { ArraylakeSettings } from "./arraylake.ts";
import type { PreviousTaskRecord, RunAssignment } from "./protocol.ts";

/** What a run needs of its version: the daemon's snapshot manifest, or a worker's unpacked bundle. */
export interface AssignableVersion {
  /** The snapshot copy of the module (absolute). */
  entry: string;
  exportName: string;
  plan: Plan;
  spec: Pick<PipelineSpec, "schedules">;
}

export interface AssignmentHost {
  /** Tasks at once within the run (config `concurrency.tasksPerRun`). */
  concurrency: number;
  heartbeatMs: number;
  arraylake: ArraylakeSettings;
  /** The task records of the run this one retries or resumes (`run.retryOf`). */
  retried?: readonly TaskRunRecord[] | undefined;
}

/** The Completed/Cached tasks of an earlier run, reusable by a retry or resume. */
export function reusableTasks(tasks: readonly TaskRunRecord[]): PreviousTaskRecord[] {
  return tasks
    .filter((t) => t.state === "Completed" || t.state === "Cached")
    .map((t) => ({ task: t.task, state: t.state, ...(t.resultJson !== null ? { resultJson: t.resultJson } : {}) }));
}

/** Reusable task records as the engine takes them. */
export function previousTaskMap(records: readonly PreviousTaskRecord[]): Map<string, PreviousTask> {
  return new Map(records.map((t) => [t.task, { state: t.state, resultJson: t.resultJson, persisted: t.resultJson !== undefined }]));
}

export function runAssignment(run: RunRecord, version: AssignableVersion, host: AssignmentHost): RunAssignment {
  const fromSchedule = slotParamsSchedule(run, version);
  return {
    runId: run.id, pipeline: run.pipeline, version: run.version, file: version.entry, exportName: version.exportName,
    plan: version.plan, params: run.params, scheduledFor: run.scheduledFor, trigger: run.trigger,
    concurrency: host.concurrency, heartbeatMs: host.heartbeatMs, arraylake: host.arraylake,
    ...(host.retried ? { previous: reusableTasks(host.retried) } : {}),
    ...(fromSchedule !== undefined ? { paramsFromSchedule: fromSchedule } : {}),
  };
}

/** The schedule whose `params(slot)` function this slot run evaluates, if its schedule has one. */
function slotParamsSchedule(run: RunRecord, version: AssignableVersion): string | undefined {
  if (run.slotAt === null && run.trigger.kind !== "schedule") return undefined;
  const name = (run.trigger.detail as { schedule?: unknown } | null)?.schedule;
  if (typeof name !== "string") return undefined;
  return version.spec.schedules.find((s) => s.name === name)?.paramsFromSlot === true ? name : undefined;
}
