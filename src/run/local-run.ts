/**
 * @module A run executed in this process and recorded in a store it writes: `floe run` without a daemon,
 * `floe retry`, and floe/testing. The store is the single writer's; nothing else writes it meanwhile.
 */
import { systemClock, type Clock } from "../core/clock.ts";
import type { RunEvent } from "../core/events.ts";
import type { AnyPipeline } from "../dsl/pipeline.ts";
import { createPoolGate, type PreviousTask, type RunOutcome } from "../engine/index.ts";
import type { Plan } from "../plan/index.ts";
import {
  createRun,
  createStoreSink,
  findCacheHit,
  getRun,
  recordPipelineVersions,
  setRunPid,
  type RunDetail,
  type RunTrigger,
  type Store,
} from "../store/index.ts";
import { previousTaskMap, reusableTasks } from "./assignment.ts";
import { executePipelineRun } from "./execute.ts";
import { validateParamsOrThrow } from "./params-check.ts";
import type { ArraylakeSettings } from "./arraylake.ts";

export interface LocalRunOptions {
  store: Store;
  pipeline: AnyPipeline;
  plan: Plan;
  file: string;
  /** Params as given; validated here (a ValidationError names each field). */
  params: unknown;
  trigger: RunTrigger;
  concurrency: number;
  pools?: Readonly<Record<string, number>> | undefined;
  clock?: Clock | undefined;
  signal?: AbortSignal | undefined;
  retryOf?: string | undefined;
  /** The logical date in ms (`floe run --at`); defaults to the creation time. */
  scheduledFor?: number | undefined;
  idempotencyKey?: string | undefined;
  previous?: ReadonlyMap<string, PreviousTask> | undefined;
  arraylake?: ArraylakeSettings | undefined;
  arraylakeFor?: ((task: string | undefined, runId: string) => unknown) | undefined;
  /** Sees every event as it is emitted (live views). */
  onEvent?: ((event: RunEvent) => void) | undefined;
  /** Called once the run row exists, before any task starts. */
  onCreated?: ((runId: string) => void) | undefined;
}

export async function runLocally(options: LocalRunOptions): Promise<{ run: RunDetail; outcome: RunOutcome }> {
  const clock = options.clock ?? systemClock;
  const { store, plan } = options;
  const params = validateParamsOrThrow(options.pipeline, options.params);
  await recordPipelineVersions(store, [{ pipeline: plan.pipeline, version: plan.version, file: options.file, plan, createdAt: clock.now() }]);
  const { run } = await createRun(store, {
    pipeline: plan.pipeline,
    version: plan.version,
    params,
    trigger: options.trigger,
    idempotencyKey: options.idempotencyKey,
    retryOf: options.retryOf,
    scheduledFor: options.scheduledFor,
    createdAt: clock.now(),
  });
  // A daemon that starts meanwhile leaves a run with a live pid alone, and marks it Crashed once the pid is gone.
  await setRunPid(store, run.id, process.pid);
  options.onCreated?.(run.id);
  const storeSink = createStoreSink(store);
  const sink = options.onEvent
    ? { emit: (e: RunEvent) => (storeSink.emit(e), options.onEvent!(e)), flush: () => storeSink.flush() }
    : storeSink;
  try {
    const outcome = await executePipelineRun({
      runId: run.id,
      pipeline: options.pipeline,
      plan,
      params,
      scheduledFor: run.scheduledFor,
      trigger: run.trigger,
      sink,
      clock,
      signal: options.signal,
      concurrency: options.concurrency,
      pools: createPoolGate(options.pools ?? {}),
      previous: options.previous,
      cacheSource: async (task, cacheKey, maxAgeMs) =>
        await findCacheHit(store, {
          pipeline: plan.pipeline,
          task,
          cacheKey,
          notBefore: maxAgeMs === undefined ? 0 : clock.now() - maxAgeMs,
        }),
      arraylake: options.arraylake,
      arraylakeFor: options.arraylakeFor,
    });
    return { run: (await getRun(store, run.id))!, outcome };
  } finally {
    storeSink[Symbol.dispose]();
  }
}

/** Completed/Cached tasks of an earlier run, reusable by a retry. */
export const previousTasks = (run: RunDetail): Map<string, PreviousTask> => previousTaskMap(reusableTasks(run.tasks));
