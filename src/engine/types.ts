/** @module What `executeRun` takes and returns, and the seams the daemon fills (pools, cache, previous results). */
import type { Clock } from "../core/clock.ts";
import type { ErrorInfo } from "../core/errors.ts";
import type { RunEventSink } from "../core/events.ts";
import type { RunState, TaskState } from "../core/states.ts";
import type { TaskDefinition } from "../dsl/pipeline.ts";
import type { Plan } from "../plan/types.ts";

/** The code half of a pipeline: any `Pipeline` fits. */
export interface PipelineDefinition {
  /** Hook options hold a function or a list of functions (see `Pipeline`'s options). */
  readonly options: { readonly name: string; readonly onSuccess?: unknown; readonly onFailure?: unknown; readonly onRetry?: unknown };
  readonly tasks: readonly TaskDefinition[];
}

export type Release = () => void;

/**
 * Limits named pools. In-process: {@link createPoolGate}; the daemon supplies one backed by leases in its
 * database so a pool is shared by every run. `acquire` rejects with the signal's reason when aborted.
 */
export interface PoolGate {
  acquire(pool: string, signal: AbortSignal): Promise<Release>;
}

/** A task's record from an earlier run of the same pipeline (retry-of-run, resume). */
export interface PreviousTask {
  state: TaskState;
  resultJson?: string | undefined;
  /** False when the result was not JSON-serialisable, so it cannot be reused. */
  persisted?: boolean | undefined;
}

/** Finds a stored result for (task name, cache key), optionally no older than maxAgeMs; JSON text or undefined. */
export type CacheLookup = (
  task: string,
  cacheKey: string,
  maxAgeMs?: number,
) => string | undefined | Promise<string | undefined>;

export interface ExecuteRunOptions {
  runId: string;
  pipeline: PipelineDefinition;
  plan: Plan;
  /** Already validated, defaults filled in. */
  params: unknown;
  /** The run's logical date in ms (`ctx.scheduledFor`): its schedule slot, or when it was asked for. Default: now. */
  scheduledFor?: number | undefined;
  /** Why the run exists (`ctx.trigger`): `{ kind, detail }` as recorded on the run. */
  trigger?: { kind: string; detail: unknown } | undefined;
  sink: RunEventSink;
  clock: Clock;
  /** Aborting it cancels the run: remaining tasks Cancelled, run Cancelled. */
  signal?: AbortSignal | undefined;
  /** Tasks (and mapped items) running at once in this run. */
  concurrency: number;
  pools?: PoolGate | undefined;
  /** By task key; Completed/Cached tasks with persisted results are reused (reported Cached). */
  previous?: ReadonlyMap<string, PreviousTask> | undefined;
  cacheLookup?: CacheLookup | undefined;
  /** The value of `ctx.arraylake` for a task key (called lazily, on first use). */
  arraylakeFor?: ((task: string | undefined, runId: string) => unknown) | undefined;
  /** Renders `ctx.artifact.quicklook` images (the runner passes one built on the browse module). */
  quicklookFor?: QuickLookFn | undefined;
  /** Whole-run timeout; defaults to the plan's. */
  timeoutMs?: number | undefined;
  /** Runs after every task succeeded, before the run is Completed; a rejection makes the run Failed. */
  beforeComplete?: (() => Promise<void>) | undefined;
  /** For jitter; tests pass a fixed sequence. */
  random?: (() => number) | undefined;
  /** Creates child runs for `ctx.runPipeline` (the daemon, over IPC); without it `ctx.runPipeline` throws. */
  childRuns?: ChildRunner | undefined;
  /** True when a Failed/TimedOut end will be retried as a new run (the daemon's run-level `retries`): the pipeline's `onRetry` hooks run instead of `onFailure`. */
  runRetryFollows?: boolean | undefined;
}

export interface TaskOutcome {
  /** The task key: its name, or `name[i]` for item i of a mapped task. */
  task: string;
  /** The task name (the mapped task's name for an item). */
  name: string;
  mapIndex: number | null;
  state: TaskState;
  attempts: number;
  startedAt?: number | undefined;
  endedAt?: number | undefined;
  error?: ErrorInfo | undefined;
  /** The in-memory result (Completed/Cached). */
  result?: unknown;
  resultJson?: string | undefined;
  /** False when the result could not be written as JSON. */
  persisted: boolean;
  cacheKey?: string | undefined;
}

export interface RunOutcome {
  runId: string;
  state: RunState;
  startedAt: number;
  endedAt: number;
  /** Every task and mapped item, by key, in creation order. */
  tasks: ReadonlyMap<string, TaskOutcome>;
  error?: ErrorInfo | undefined;
}

/** A quick look for an artifact: image bytes and what they show (see `src/browse`). */
export type QuickLookFn = (request: { repo: string; ref: string; array: string; index: Record<string, number> }) => Promise<{
  bytes: Uint8Array;
  meta: {
    repo: string; array: string; snapshotId: string; contentType: string; longName: string | null; units: string | null;
    min: number | null; max: number | null; fixed: { dim: string; index: number; label: string | null }[];
  };
}>;

/** What `ctx.runPipeline` asks of the host: one child run, created under `key` (a repeat returns the same run). */
export interface ChildRunRequest {
  pipeline: string;
  /** As the task gave them; the host validates them against the child's params schema. */
  params: unknown;
  wait: boolean;
  /** The key of the task that asks. */
  parentTask: string;
  key: string;
}

/** The child run as the host reports it: once created (`wait: false`) or once ended. */
export interface ChildRunReply {
  runId: string;
  pipeline: string;
  state: string;
  /** Task results by name, for a Completed child (only results that were JSON). */
  results?: Record<string, unknown> | undefined;
  error?: ErrorInfo | undefined;
}

/** Creates (and, when asked, awaits) child runs. Aborting `signal` while waiting cancels the child and rejects. */
export interface ChildRunner {
  run(request: ChildRunRequest, signal: AbortSignal): Promise<ChildRunReply>;
}
