/**
 * @module One run of an imported pipeline on any sink: the store (CLI, floe/testing) or the daemon over IPC
 * (run processes). Adds what the engine leaves to its caller: the task's Arraylake client and lineage.
 */
import type { AnyPipeline } from "../dsl/pipeline.ts";
import { executeRun, type ExecuteRunOptions, type RunOutcome } from "../engine/index.ts";
import { runArraylake, type ArraylakeSettings } from "./arraylake.ts";
import { runQuicklook } from "./quicklook.ts";
import { verifiedCacheLookup, type CacheSource } from "./cache-check.ts";

/** The engine's options, with the pipeline as the author wrote it and Arraylake settings instead of a factory. */
export interface PipelineRunInput
  extends Omit<ExecuteRunOptions, "pipeline" | "params" | "beforeComplete" | "timeoutMs" | "random" | "cacheLookup"> {
  pipeline: AnyPipeline;
  /** Validated (see params-check.ts). */
  params: Record<string, unknown>;
  /** Where `ctx.arraylake` finds repositories; its reads and commits are recorded as run events. */
  arraylake?: ArraylakeSettings | undefined;
  /** Cached results with the snapshots they read; a hit is used only while those snapshots are current. */
  cacheSource?: CacheSource | undefined;
  /** The host retries failed runs (the daemon does, per the pipeline's `retries`; a daemon-less run does not). */
  retriesRuns?: boolean | undefined;
}

/** Whether the daemon will retry this run if it ends Failed or TimedOut: retries left in its chain. */
function runRetryFollows(input: PipelineRunInput): boolean {
  const r = input.pipeline.options.retries;
  const count = r === undefined ? 0 : typeof r === "number" ? r : r.count;
  const done = (input.trigger?.detail as { retries?: unknown } | null | undefined)?.retries;
  return input.retriesRuns === true && count > (typeof done === "number" ? done : 0);
}

export async function executePipelineRun(input: PipelineRunInput): Promise<RunOutcome> {
  const commitOnSuccess = input.pipeline.options.commit === "on-success";
  const arraylake = input.arraylake
    ? runArraylake(input.arraylake, { runId: input.runId, sink: input.sink, clock: input.clock, commitOnSuccess })
    : undefined;
  const transaction = arraylake?.transaction;
  const outcome = await executeRun({
    runId: input.runId,
    pipeline: input.pipeline,
    plan: input.plan,
    params: input.params,
    scheduledFor: input.scheduledFor,
    trigger: input.trigger,
    sink: input.sink,
    clock: input.clock,
    signal: input.signal,
    concurrency: input.pipeline.options.concurrency ?? input.concurrency,
    pools: input.pools,
    previous: input.previous,
    cacheLookup: input.cacheSource && verifiedCacheLookup(input.cacheSource, input.arraylake),
    arraylakeFor: input.arraylakeFor ?? arraylake?.clientFor,
    quicklookFor: input.arraylake ? runQuicklook(input.arraylake) : undefined,
    runRetryFollows: runRetryFollows(input),
    childRuns: input.childRuns,
    beforeComplete: transaction
      ? async () => void (await transaction.commitAll(`${input.plan.pipeline}: run ${input.runId}`))
      : undefined,
  });
  if (transaction && outcome.state !== "Completed") await transaction.discardAll();
  return outcome;
}
