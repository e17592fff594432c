/**
 * @module Store records -> response bodies: epoch ms become ISO strings, JSON text becomes values, internals (pid,
 * heartbeats, cache keys) stay out. Redaction happens once, in `sendJson`.
 */
import type { ErrorInfo } from "../core/errors.ts";
import type {
  CommitRecord, EventRecord, LogRecord, RunDetail, RunRecord, ScheduleRecord, SnapshotReadRecord, TaskRunRecord,
} from "../store/types.ts";
import type { CommitBody, ScheduleBody, SnapshotReadBody } from "../../schemas/api.ts";
import type { LogLineBody, RunBody, RunDetailBody, RunEventBody, TaskRunBody } from "../../schemas/api-runs.ts";

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const span = (start: number | null, end: number | null): number | null =>
  start === null || end === null ? null : end - start;

/** The stack stays server-side: it names files and lines of the daemon. */
const publicError = (e: ErrorInfo | null): RunBody["error"] =>
  e === null ? null : { name: e.name, message: e.message, ...(e.tag !== undefined ? { tag: e.tag } : {}) };

export function presentRun(r: RunRecord): RunBody {
  return {
    id: r.id,
    pipeline: r.pipeline,
    version: r.version,
    state: r.state,
    params: r.params,
    trigger: r.trigger,
    idempotencyKey: r.idempotencyKey,
    scheduleId: r.scheduleId,
    slotAt: isoOrNull(r.slotAt),
    scheduledFor: iso(r.scheduledFor),
    retryOf: r.retryOf,
    parentRunId: r.parentRunId,
    node: r.node,
    createdAt: iso(r.createdAt),
    startedAt: isoOrNull(r.startedAt),
    endedAt: isoOrNull(r.endedAt),
    durationMs: span(r.startedAt, r.endedAt),
    error: publicError(r.error),
  };
}

function parseResult(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function presentTask(t: TaskRunRecord): TaskRunBody {
  return {
    task: t.task,
    parent: t.parent,
    mapIndex: t.mapIndex,
    state: t.state,
    attempts: t.attempts,
    startedAt: isoOrNull(t.startedAt),
    endedAt: isoOrNull(t.endedAt),
    durationMs: span(t.startedAt, t.endedAt),
    retryAt: isoOrNull(t.retryAt),
    error: publicError(t.error),
    node: t.node,
    result: parseResult(t.resultJson),
  };
}

export function presentCommit(c: CommitRecord): CommitBody {
  return {
    repo: c.repo,
    branch: c.branch,
    snapshotId: c.snapshotId,
    parentSnapshotId: c.parentSnapshotId,
    message: c.message,
    runId: c.runId,
    pipeline: c.pipeline,
    task: c.task,
    committedAt: iso(c.at),
  };
}

export function presentRead(r: SnapshotReadRecord): SnapshotReadBody {
  return { repo: r.repo, branch: r.branch, tag: r.tag, snapshotId: r.snapshotId, task: r.task, readAt: iso(r.at) };
}

export function presentRunDetail(
  run: RunDetail,
  commits: readonly CommitRecord[],
  reads: readonly SnapshotReadRecord[],
  children: readonly RunRecord[] = [],
): RunDetailBody {
  return {
    ...presentRun(run),
    tasks: run.tasks.map(presentTask),
    commits: commits.map(presentCommit),
    snapshotsRead: reads.map(presentRead),
    children: children.map((c) => {
      const d = c.trigger.detail as { parentTask?: unknown; wait?: unknown } | null;
      return { id: c.id, pipeline: c.pipeline, task: typeof d?.parentTask === "string" ? d.parentTask : null, wait: d?.wait === true };
    }),
  };
}

export function presentEvent(e: EventRecord): RunEventBody {
  return { seq: e.seq, task: e.task, from: e.from, to: e.to, at: iso(e.at), reason: e.reason, attempt: e.attempt };
}

export function presentLog(l: LogRecord): LogLineBody {
  return { seq: l.seq, task: l.task, attempt: l.attempt, level: l.level, message: l.message, at: iso(l.at) };
}

export function presentSchedule(s: ScheduleRecord, nextSlots: readonly number[]): ScheduleBody {
  const policy = s.policy !== null && typeof s.policy === "object" ? (s.policy as Record<string, unknown>) : {};
  return {
    id: s.id,
    pipeline: s.pipeline,
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    policy,
    cursorAt: isoOrNull(s.cursorAt),
    nextSlots: nextSlots.map(iso),
    paused: s.paused,
    updatedAt: iso(s.updatedAt),
  };
}
