/**
 * @module One run of an imported pipeline on any sink: the store (CLI, floe/testing) or the daemon over IPC
 * (run processes). Adds what the engine leaves to its caller: the task's Arraylake client and lineage.
 */
import type { Clock } from "../core/clock.ts";
import type { RunEventSink } from "../core/events.ts";
import type { AnyPipeline } from "../dsl/pipeline.ts";
import { executeRun, type CacheLookup, type PoolGate, type PreviousTask, type RunOutcome } from "../engine/index.ts";
import type { Plan } from "../plan/index.ts";
import { runArraylake, type ArraylakeSettings } from "./arraylake.ts";

export interface PipelineRunInput {
  runId: string;
  pipeline: AnyPipeline;
  plan: Plan;
  /** Validated (see parseParams). */
  params: Record<string, unknown>;
  sink: RunEventSink;
  clock: Clock;
  signal?: AbortSignal | undefined;
  concurrency: number;
  pools?: PoolGate | undefined;
  previous?: ReadonlyMap<string, PreviousTask> | undefined;
  cacheLookup?: CacheLookup | undefined;
  /** Where `ctx.arraylake` finds repositories; its reads and commits are recorded as run events. */
  arraylake?: ArraylakeSettings | undefined;
  /** Overrides the `ctx.arraylake` factory (tests). */
  arraylakeFor?: ((task: string, runId: string) => unknown) | undefined;
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
    sink: input.sink,
    clock: input.clock,
    signal: input.signal,
    concurrency: input.pipeline.options.concurrency ?? input.concurrency,
    pools: input.pools,
    previous: input.previous,
    cacheLookup: input.cacheLookup,
    arraylakeFor: input.arraylakeFor ?? arraylake?.clientFor,
    beforeComplete: transaction
      ? async () => void (await transaction.commitAll(`${input.plan.pipeline}: run ${input.runId}`))
      : undefined,
  });
  if (transaction && outcome.state !== "Completed") await transaction.discardAll();
  return outcome;
}
