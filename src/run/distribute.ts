/**
 * @module Distributed tasks, the run process's side: a task planned `distribute: true` keeps its place in the
 * engine (retries, timeouts, item concurrency, cancel all apply as usual), but its function is replaced by a
 * request to the node to queue a task job; any worker node claims it and runs the task in a process of its own.
 * The job's result comes back through the database, its log lines, lineage events and artifacts with it; artifacts
 * are attached here through the attempt's own `ctx.artifact`, so they take the run's numbering and limits.
 */
import { NonRetriableError, type ErrorInfo } from "../core/errors.ts";
import type { RunEvent, RunEventSink } from "../core/events.ts";
import type { TaskContext } from "../dsl/context.ts";
import type { TaskDefinition } from "../dsl/pipeline.ts";
import { isJsonSafe } from "../engine/index.ts";
import type { Plan } from "../plan/types.ts";
import type { JobArtifactEvent, RunToDaemon, TaskJobInput, TaskJobOutcome, TaskJobRequest } from "./protocol.ts";

/** Queues a task job and resolves when it ended; aborting `signal` asks the node to cancel it. */
export interface TaskJobRunner {
  run(request: TaskJobRequest, signal: AbortSignal): Promise<TaskJobOutcome>;
}

export interface IpcTaskJobRunner extends TaskJobRunner {
  ended(id: number, outcome: TaskJobOutcome): void;
}

/** The run process's job runner: requests over IPC, answers (`jobEnded`) from the node. */
export function createIpcJobRunner(send: (message: RunToDaemon) => void): IpcTaskJobRunner {
  let nextId = 0;
  const waiting = new Map<number, (outcome: TaskJobOutcome) => void>();
  return {
    run(job, signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      const id = ++nextId;
      return new Promise<TaskJobOutcome>((resolve, reject) => {
        const onAbort = (): void => {
          waiting.delete(id);
          send({ type: "jobCancel", id });
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiting.set(id, (outcome) => {
          waiting.delete(id);
          signal.removeEventListener("abort", onAbort);
          resolve(outcome);
        });
        send({ type: "job", id, job });
      });
    },
    ended(id, outcome) {
      waiting.get(id)?.(outcome);
    },
  };
}

export interface DistributeScope {
  runId: string;
  pipeline: string;
  version: string;
  scheduledFor: number;
  trigger: { kind: string; detail: unknown };
  sink: RunEventSink;
}

/** Event types a job may hand back; anything else a job child sent is dropped. */
const FORWARDED = new Set<RunEvent["type"]>(["log:line", "snapshot:read", "snapshot:commit"]);

/**
 * Replaces the function of every task the plan marks `distribute` by a task job request (in place, as console
 * capture wraps them). Returns the names of the tasks it distributed.
 * @example
 * distributeTasks(pipeline.tasks, plan, jobs, { runId, pipeline: plan.pipeline, version: plan.version, scheduledFor, trigger, sink });
 */
export function distributeTasks(tasks: readonly TaskDefinition[], plan: Plan, jobs: TaskJobRunner, scope: DistributeScope): string[] {
  const names = new Set(plan.tasks.filter((t) => t.distribute).map((t) => t.name));
  for (const task of tasks) {
    if (!names.has(task.name)) continue;
    (task as { run: TaskDefinition["run"] }).run = async (input, ctx) => {
      const body: TaskJobInput = { input: input as TaskJobInput["input"], scheduledFor: scope.scheduledFor, trigger: scope.trigger };
      if (!isJsonSafe(body, 0)) {
        throw new NonRetriableError(`task "${ctx.task}" is distributed, so its params, upstream results and item must be JSON (no Dates, Maps, class instances, NaN)`);
      }
      const request: TaskJobRequest = {
        pipeline: scope.pipeline, version: scope.version, task: ctx.task, name: task.name,
        mapIndex: typeof input.index === "number" ? input.index : null, attempt: ctx.attempt, inputJson: JSON.stringify(body),
      };
      const outcome = await jobs.run(request, ctx.signal);
      let artifactError: unknown;
      for (const e of outcome.events ?? []) {
        if (e.type === "job:artifact") {
          try {
            attach(ctx, e);
          } catch (error) {
            artifactError ??= error;
          }
        } else if (FORWARDED.has(e.type)) scope.sink.emit({ ...e, runId: scope.runId, task: ctx.task, attempt: ctx.attempt } as RunEvent);
      }
      if (artifactError !== undefined) throw artifactError;
      if (outcome.state === "Completed") return outcome.resultJson === undefined ? undefined : JSON.parse(outcome.resultJson);
      throw errorOf(outcome.error, outcome.state);
    };
  }
  return [...names];
}

/** A job's artifact, attached again in the run process (checked again: it came through the database). */
function attach(ctx: TaskContext, e: JobArtifactEvent): void {
  const title = e.title === undefined ? {} : { title: e.title };
  switch (e.kind) {
    case "markdown":
      return ctx.artifact.markdown(e.text, title);
    case "table":
      return ctx.artifact.table(JSON.parse(e.text) as Record<string, unknown>[], title);
    case "link": {
      const { url, label } = JSON.parse(e.text) as { url: string; label?: string };
      return ctx.artifact.link(url, label);
    }
    case "image":
      return ctx.artifact.image(new Uint8Array(Buffer.from(e.contentBase64 ?? "", "base64")), { alt: e.text, ...title });
  }
}

/** The job's error as the engine's retry policy reads it (a NonRetriableError stays one). */
function errorOf(info: ErrorInfo | undefined, state: string): Error {
  const message = info?.message ?? `task job ${state}`;
  const error = info?.tag === "NonRetriableError" ? new NonRetriableError(message) : new Error(message);
  if (info?.name) error.name = info.name;
  if (info?.stack) error.stack = info.stack;
  return error;
}
