/** @module One task row of a run (a task, a mapped task's parent row, or one mapped item) as the engine tracks it. */
import type { ErrorInfo } from "../core/errors.ts";
import type { TaskState } from "../core/states.ts";
import type { TaskDefinition } from "../dsl/pipeline.ts";
import type { PlanTask } from "../plan/types.ts";
import type { AttemptContext } from "./attempt-context.ts";
import type { Deque } from "./deque.ts";
import type { Release, TaskOutcome } from "./types.ts";


/** What the task function receives as its first argument. */
export interface TaskInputValue {
  params: unknown;
  upstream: Record<string, unknown>;
  item?: unknown;
  index?: number;
}

/** Mutable on purpose: the engine updates these fields in place to keep per-task cost to a few microseconds. */
export class TaskRun implements TaskOutcome {
  state: TaskState = "Pending";
  attempts = 0;
  startedAt: number | undefined = undefined;
  endedAt: number | undefined = undefined;
  error: ErrorInfo | undefined = undefined;
  result: unknown = undefined;
  resultJson: string | undefined = undefined;
  persisted = true;
  cacheKey: string | undefined = undefined;
  /** Reused from the previous run of this run's retry. */
  reused = false;

  /** Upstream tasks not yet Completed/Cached. */
  waiting = 0;
  readonly downstream: TaskRun[] = [];
  readonly upstream: TaskRun[] = [];
  /** Built once all upstream tasks succeeded: `{ params, upstream, item?, index? }`. */
  input: TaskInputValue | undefined = undefined;

  /** The attempt in flight; settlements from any other (timed out, cancelled) attempt are ignored. */
  live: AttemptContext | undefined = undefined;
  poolRelease: Release | undefined = undefined;

  /** Mapped parent only: items, how many are not terminal, and its own gate of `concurrency` items. */
  items: TaskRun[] | undefined = undefined;
  /** Mapped item only: it holds one of its parent's `concurrency` slots. */
  itemSlot = false;
  itemsOpen = 0;
  itemsRunning = 0;
  itemQueue: Deque<TaskRun> | undefined = undefined;

  constructor(
    readonly key: string,
    readonly spec: PlanTask,
    readonly def: TaskDefinition,
    readonly mapIndex: number | null,
    /** Mapped item only. */
    readonly parent: TaskRun | undefined,
    readonly item: unknown,
  ) {}

  get isMapped(): boolean {
    return this.spec.map !== undefined && this.parent === undefined;
  }

  /** As {@link TaskOutcome}: the row itself, so a 10,000-task run does not copy 10,000 records at its end. */
  get task(): string {
    return this.key;
  }
  get name(): string {
    return this.spec.name;
  }
}
