/** @module Row <-> record mapping and the JSON/redaction helpers every writer uses. */
import type { ErrorInfo } from "../core/errors.ts";
import { redact, redactDeep } from "../core/redact.ts";
import type { RunState, TaskState } from "../core/states.ts";
import type { RunRecord, TaskRunRecord, TriggerKind } from "./types.ts";

/** Cheap pre-check so the hot path skips the redaction regexes for ordinary text. */
const MAYBE_SECRET = /ema_|eyJ|bearer/i;

export const redactText = (text: string): string => (MAYBE_SECRET.test(text) ? redact(text) : text);

/** JSON text of `value` with secrets redacted, or null. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(redactDeep(value));
}

export function errorJson(error: ErrorInfo | undefined): string | null {
  if (!error) return null;
  return redactText(JSON.stringify(error));
}

export const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export interface RunRow {
  id: string;
  pipeline: string;
  version: string;
  state: string;
  params: string;
  trigger_kind: string;
  trigger_detail: string | null;
  idempotency_key: string | null;
  schedule_id: string | null;
  slot_at: number | null;
  retry_of: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
  pid: number | null;
  heartbeat_at: number | null;
  scheduled_for: number | null;
  parent_run_id: string | null;
  node?: string | null;
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    pipeline: r.pipeline,
    version: r.version,
    state: r.state as RunState,
    params: JSON.parse(r.params) as unknown,
    trigger: { kind: r.trigger_kind as TriggerKind, detail: parseJson(r.trigger_detail) },
    idempotencyKey: r.idempotency_key,
    scheduleId: r.schedule_id,
    slotAt: r.slot_at,
    retryOf: r.retry_of,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    error: parseJson<ErrorInfo>(r.error),
    pid: r.pid,
    heartbeatAt: r.heartbeat_at,
    scheduledFor: r.scheduled_for ?? r.slot_at ?? r.created_at,
    parentRunId: r.parent_run_id ?? null,
    node: r.node ?? null,
  };
}

export interface TaskRunRow {
  run_id: string;
  task: string;
  parent: string;
  map_index: number | null;
  state: string;
  attempts: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
  result: string | null;
  cache_key: string | null;
  retry_at: number | null;
  node?: string | null;
}

export function toTaskRun(r: TaskRunRow): TaskRunRecord {
  return {
    runId: r.run_id,
    task: r.task,
    parent: r.parent,
    mapIndex: r.map_index,
    state: r.state as TaskState,
    attempts: r.attempts,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    error: parseJson<ErrorInfo>(r.error),
    resultJson: r.result,
    cacheKey: r.cache_key,
    retryAt: r.retry_at,
    node: r.node ?? null,
  };
}

/** Opaque newest-first cursor over (created_at or seq, id). */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    return Array.isArray(parts) ? parts : null;
  } catch {
    return null;
  }
}

/** A page size within [1, max]; NaN or missing gives `fallback`. */
export const clampLimit = (limit: number | undefined, fallback: number, max: number): number =>
  Math.min(max, Math.max(1, Math.floor(limit === undefined || Number.isNaN(limit) ? fallback : limit)));
