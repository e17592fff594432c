/**
 * @module One assignment, executed in the run process: import the version's snapshot module, validate the
 * params with the pipeline's own zod schema (a failure fails the run with the issues), and hand the run to the
 * runner with the daemon-backed sink, pools and cache lookups.
 */
import type { Clock } from "../core/clock.ts";
import { toErrorInfo, ValidationError, type ErrorInfo } from "../core/errors.ts";
import type { RunEventSink } from "../core/events.ts";
import type { AnyPipeline, TaskDefinition } from "../dsl/pipeline.ts";
import type { ChildRunner, PoolGate } from "../engine/index.ts";
import type { CacheSource } from "./cache-check.ts";
import { executePipelineRun } from "./execute.ts";
import { previousTaskMap } from "./assignment.ts";
import { distributeTasks, type TaskJobRunner } from "./distribute.ts";
import { importPipeline } from "./import-pipeline.ts";
import { checkParams, paramsSchemaOf } from "./params-check.ts";
import type { RunAssignment } from "./protocol.ts";

export interface ExecuteDeps {
  sink: RunEventSink;
  pools: PoolGate;
  cacheSource: CacheSource;
  childRuns: ChildRunner;
  signal: AbortSignal;
  clock: Clock;
  wrapTasks: (tasks: readonly TaskDefinition[]) => void;
  /** Queues `distribute: true` tasks as task jobs for the cluster's workers (absent: they run here). */
  jobs?: TaskJobRunner | undefined;
}

export async function executeAssignment(
  a: RunAssignment,
  deps: ExecuteDeps,
): Promise<{ state: string; error?: ErrorInfo | undefined }> {
  const pipeline = await importPipeline(a.file, { exportName: a.exportName, name: a.pipeline });
  deps.wrapTasks(pipeline.tasks);
  if (deps.jobs) {
    const scope = { runId: a.runId, pipeline: a.pipeline, version: a.version, scheduledFor: a.scheduledFor, trigger: a.trigger, sink: deps.sink };
    distributeTasks(pipeline.tasks, a.plan, deps.jobs, scope);
  }
  const input = resolveSlotParams(pipeline, a);
  if (!input.ok) return { state: "Failed", error: input.error };
  const where = a.paramsFromSchedule === undefined ? undefined : `schedules.${a.paramsFromSchedule}.params(${new Date(a.scheduledFor).toISOString()})`;
  const parsed = checkParams(paramsSchemaOf(pipeline), input.params, { pipeline: a.pipeline, path: where });
  if (!parsed.ok) return { state: "Failed", error: toErrorInfo(new ValidationError(parsed.diagnostics)) };
  const params = parsed.params;
  // the run document shows the params the run really used
  if (a.paramsFromSchedule !== undefined) deps.sink.emit({ type: "run:params", runId: a.runId, params, at: deps.clock.now() });
  const previous = a.previous ? previousTaskMap(a.previous) : undefined;
  const outcome = await executePipelineRun({
    runId: a.runId, pipeline, plan: a.plan, params, scheduledFor: a.scheduledFor, trigger: a.trigger, sink: deps.sink, clock: deps.clock, signal: deps.signal,
    concurrency: a.concurrency, pools: deps.pools, previous, cacheSource: deps.cacheSource, retriesRuns: true,
    childRuns: deps.childRuns,
    // the daemon's current (last valid) config, never a re-import of a file that may be mid-edit; the token comes
    // through the environment
    arraylake: a.arraylake,
  });
  return { state: outcome.state, error: outcome.error };
}

/** The submitted params, with a schedule's `params(slot)` result under them when the run comes from such a slot. */
function resolveSlotParams(
  pipeline: AnyPipeline,
  a: RunAssignment,
): { ok: true; params: unknown } | { ok: false; error: ErrorInfo } {
  if (a.paramsFromSchedule === undefined) return { ok: true, params: a.params };
  const fn = pipeline.options.schedules?.find((s) => (s.name ?? "default") === a.paramsFromSchedule)?.params;
  if (typeof fn !== "function") return { ok: true, params: a.params };
  try {
    const computed = fn(new Date(a.scheduledFor));
    return { ok: true, params: { ...(computed as object), ...(a.params as object) } };
  } catch (caught) {
    const error = toErrorInfo(caught);
    return { ok: false, error: { ...error, message: `schedule "${a.paramsFromSchedule}" params(${new Date(a.scheduledFor).toISOString()}) threw: ${error.message}` } };
  }
}
