/**
 * @module One task job, executed in a job process: import the run's version, find the task, and call its function
 * on the job's input with a `ctx` like the run's (logger, `ctx.arraylake` with lineage, `ctx.artifact`,
 * `ctx.runPipeline`, signal). Its log lines, lineage events and artifacts are collected and handed back with the
 * result, for the run process to record (artifacts are numbered there, in the run's order); child runs are asked of
 * the job's node (`childRuns`), which creates them through the store with the parent link.
 */
import { systemClock } from "../core/clock.ts";
import { NonRetriableError, toErrorInfo } from "../core/errors.ts";
import type { RunEventSink } from "../core/events.ts";
import { AttemptContext, isJsonSafe, type AttemptScope, type ChildRunner } from "../engine/index.ts";
import { runArraylake } from "./arraylake.ts";
import { captureConsole } from "./console-capture.ts";
import { importPipeline } from "./import-pipeline.ts";
import type { JobAssignment, JobEvent, TaskJobInput, TaskJobOutcome } from "./protocol.ts";
import { runQuicklook } from "./quicklook.ts";

/** A sink that keeps what the task emits; an artifact travels as JSON (its bytes as base64) and loses its number. */
function collectingSink(events: JobEvent[]): RunEventSink {
  return {
    emit(event) {
      if (event.type !== "artifact:add") return void events.push(event);
      const { kind, title, text, content, mime, at } = event;
      events.push({ type: "job:artifact", kind, title, text, mime, at, ...(content ? { contentBase64: Buffer.from(content).toString("base64") } : {}) });
    },
    flush: () => Promise.resolve(),
  };
}

/** Runs the job; never rejects (a failure is the outcome). `childRuns` reaches the job's node (job-child.ts). */
export async function executeJob(a: JobAssignment, signal: AbortSignal, childRuns?: ChildRunner): Promise<TaskJobOutcome> {
  const events: JobEvent[] = [];
  const capture = captureConsole(a.runId, (e) => events.push(e), () => systemClock.now());
  try {
    const pipeline = await importPipeline(a.file, { exportName: a.exportName, name: a.pipeline });
    const def = pipeline.tasks.find((t) => t.name === a.name);
    if (def === undefined) throw new NonRetriableError(`version ${a.version} of pipeline "${a.pipeline}" has no task "${a.name}"`);
    if (pipeline.options.commit === "on-success") {
      throw new NonRetriableError(`task "${a.name}" is distributed, but pipeline "${a.pipeline}" commits on success in the run's process: a job in another process cannot join that commit; commit in the task, or do not distribute it`);
    }
    capture.wrapTasks([def]);
    const body = JSON.parse(a.inputJson) as TaskJobInput;
    const sink = collectingSink(events);
    const arraylake = runArraylake(a.arraylake, { runId: a.runId, sink, clock: systemClock, commitOnSuccess: false });
    const scope: AttemptScope = {
      runId: a.runId, pipeline: a.pipeline, scheduledFor: body.scheduledFor, trigger: body.trigger, sink, clock: systemClock,
      arraylakeFor: (task) => arraylake.clientFor(task), quicklookFor: runQuicklook(a.arraylake), childRuns,
      // this job's artifacts alone (the run process checks the run's total when it records them)
      artifacts: { seq: 0, bytes: 0 },
    };
    const ctx = new AttemptContext(scope, a.task, a.attempt);
    const onAbort = (): void => ctx.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const value = await def.run(body.input, ctx);
    signal.removeEventListener("abort", onAbort);
    if (value !== undefined && !isJsonSafe(value, 0)) {
      throw new NonRetriableError(`task "${a.task}" is distributed, so its result must be JSON (no Dates, Maps, class instances, NaN)`);
    }
    return { state: "Completed", resultJson: value === undefined ? undefined : JSON.stringify(value), events };
  } catch (error) {
    return { state: "Failed", error: toErrorInfo(error), events };
  } finally {
    capture.restore();
  }
}
