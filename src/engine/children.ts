/**
 * @module `ctx.runPipeline`: a task starts another pipeline as a child run through the host's {@link ChildRunner}
 * (the daemon creates, supervises and records it). With `wait` (the default) the call resolves with the child's
 * results once it Completed and throws a ChildRunError otherwise; the attempt's signal cancels a waited-on child.
 */
import { ChildRunError } from "../core/errors.ts";
import type { ChildRunResult, ChildRunStarted, RunPipelineOptions, TaskLogger } from "../dsl/context.ts";
import { ChildRunsUnavailableError } from "./errors.ts";
import type { ChildRunner } from "./types.ts";

/** What a child run needs of the attempt that asks for it. */
export interface ChildCaller {
  readonly runId: string;
  readonly task: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly log: TaskLogger;
  /** Numbers the attempt's calls, for each child's key. */
  nextChild(): number;
}

export async function runChild(
  runner: ChildRunner | undefined,
  caller: ChildCaller,
  pipeline: unknown,
  params: unknown,
  options: RunPipelineOptions | undefined,
): Promise<ChildRunResult | ChildRunStarted> {
  const name = typeof pipeline === "string" ? pipeline : (pipeline as { options?: { name?: unknown } } | null)?.options?.name;
  if (typeof name !== "string" || name === "") {
    throw new TypeError("ctx.runPipeline takes a pipeline's name or the pipeline object (its default export)");
  }
  if (runner === undefined) {
    throw new ChildRunsUnavailableError(
      `ctx.runPipeline("${name}") needs the floe daemon, which creates and supervises child runs: start it (floe dev) ` +
        "and run this pipeline through it (floe run without --local, or the API)",
    );
  }
  const wait = options?.wait ?? true;
  const key = `child:${caller.runId}:${caller.task}:${caller.attempt}:${caller.nextChild()}`;
  const reply = await runner.run({ pipeline: name, params: params ?? {}, wait, parentTask: caller.task, key }, caller.signal);
  if (!wait) {
    caller.log.info(`started child run ${reply.runId} of ${name}`);
    return { runId: reply.runId, pipeline: name, state: "Pending" };
  }
  if (reply.state !== "Completed") {
    const why = reply.error ? `: ${reply.error.message}` : "";
    throw new ChildRunError(`child run ${reply.runId} of ${name} ended ${reply.state}${why}`, { runId: reply.runId, pipeline: name, state: reply.state });
  }
  return { runId: reply.runId, pipeline: name, state: "Completed", results: reply.results ?? {} };
}
