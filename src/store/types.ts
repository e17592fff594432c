/** @module The records the store returns: camelCase, JSON columns parsed (except task results, kept as text). */
import type { ErrorInfo } from "../core/errors.ts";
import type { LogLevel } from "../core/events.ts";
import type { RunState, TaskState } from "../core/states.ts";

/** Why a run exists: `commit`/`runEnd` for data triggers, `child` for a run another run started (`ctx.runPipeline`). */
export type TriggerKind = "manual" | "schedule" | "api" | "retry" | "commit" | "runEnd" | "child";

export interface RunTrigger {
  kind: TriggerKind;
  /** Free-form JSON detail: the schedule name, the API client, the CLI user... */
  detail?: unknown;
}

export interface RunRecord {
  id: string;
  pipeline: string;
  version: string;
  state: RunState;
  params: unknown;
  trigger: { kind: TriggerKind; detail: unknown };
  idempotencyKey: string | null;
  scheduleId: string | null;
  slotAt: number | null;
  retryOf: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: ErrorInfo | null;
  pid: number | null;
  heartbeatAt: number | null;
  /** The logical date (ms): the schedule slot, the time asked for (`floe run --at`), or the creation time. */
  scheduledFor: number;
  /** The run whose task started this one (`ctx.runPipeline`). */
  parentRunId: string | null;
  /** The node that started the run (the id of its daemon or worker node, as in `floe cluster status`); null before it ran, or run without a daemon. */
  node: string | null;
}

export interface TaskRunRecord {
  runId: string;
  /** Task key: the task name, or `name[i]` for item i of a mapped task. */
  task: string;
  parent: string;
  mapIndex: number | null;
  state: TaskState;
  attempts: number;
  startedAt: number | null;
  endedAt: number | null;
  error: ErrorInfo | null;
  /** JSON text of the result (parse it where needed; kept as text so reads stay cheap). */
  resultJson: string | null;
  cacheKey: string | null;
  retryAt: number | null;
  /** The node whose run process ran the task's latest attempt; null before it ran. */
  node: string | null;
}

export interface RunDetail extends RunRecord {
  tasks: TaskRunRecord[];
}

export interface EventRecord {
  seq: number;
  runId: string;
  task: string | null;
  from: string | null;
  to: string;
  at: number;
  reason: string | null;
  attempt: number | null;
}

export interface LogRecord {
  seq: number;
  runId: string;
  task: string | null;
  attempt: number | null;
  level: LogLevel;
  message: string;
  at: number;
}

export interface SnapshotReadRecord {
  seq: number;
  runId: string;
  task: string | null;
  repo: string;
  branch: string | null;
  tag: string | null;
  snapshotId: string;
  at: number;
}

export interface CommitRecord {
  seq: number;
  runId: string;
  pipeline: string;
  task: string | null;
  repo: string;
  branch: string;
  snapshotId: string;
  parentSnapshotId: string | null;
  message: string;
  at: number;
}

export interface ScheduleRecord {
  id: string;
  pipeline: string;
  name: string;
  cron: string;
  timezone: string;
  /** Catch-up, overlap, maxActiveRuns, jitter, param overrides: whatever the schedule layer stores. */
  policy: unknown;
  cursorAt: number | null;
  paused: boolean;
  updatedAt: number;
}

export interface LeaseRecord {
  holder: string;
  pool: string;
  runId: string | null;
  acquiredAt: number;
  expiresAt: number;
}

export interface PipelineRecord {
  name: string;
  file: string;
  activeVersion: string | null;
  valid: boolean;
  diagnostics: unknown[];
  updatedAt: number;
}

export interface PipelineVersionRecord {
  pipeline: string;
  version: string;
  file: string;
  plan: unknown;
  createdAt: number;
}

/** One page of a newest-first listing; pass `nextCursor` back to get the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
