/**
 * @module Coalesced task-row writes for `applyRunEvents`. Within one batch, the transitions of one task fold into
 * a single patch, written as ONE compare-and-set UPDATE on the state the chain started from (or one INSERT when the
 * batch also created the row). If that compare-and-set misses, every transition of the chain is rejected (and the
 * caller appends no event rows for them). Many patches per statement: patch-writes.ts.
 */
import type { TaskTransitionEvent } from "../core/events.ts";
import { TERMINAL_TASK_STATES, type TaskState } from "../core/states.ts";
import { rowTexts, type RowSpec } from "./insert-many.ts";
import type { Sql } from "./sql.ts";
import { errorJson, redactText } from "./rows.ts";

export interface TaskPatch {
  runId: string;
  task: string;
  /** Set when this batch creates the row (with the batch position of the task:create). */
  create: { parent: string; mapIndex: number | null; index: number } | undefined;
  /** The stored state the chain expects (compare-and-set). */
  expect: TaskState;
  /** The state after the transitions folded so far. */
  state: TaskState;
  attempts: number;
  startedAt: number | null;
  endedAt: number | null;
  /** undefined: keep the stored error; null: clear it; text: replace it. */
  error: string | null | undefined;
  result: string | null;
  cacheKey: string | null;
  retryAt: number | null;
  /** Batch positions of the folded transitions. */
  indices: number[];
}

export function newPatch(runId: string, task: string, expect: TaskState, create?: TaskPatch["create"]): TaskPatch {
  return {
    runId, task, create, expect, state: expect, attempts: 0, startedAt: null, endedAt: null, error: undefined,
    result: null, cacheKey: null, retryAt: null, indices: [],
  };
}

/** Folds one (already checked) transition into the patch. */
export function fold(p: TaskPatch, e: TaskTransitionEvent): void {
  p.state = e.to;
  if (e.attempt > p.attempts) p.attempts = e.attempt;
  if (e.to === "Running" && p.startedAt === null) p.startedAt = e.at;
  p.endedAt = TERMINAL_TASK_STATES.has(e.to) ? e.at : null;
  if (e.to === "Completed" || e.to === "Cached") {
    p.error = null;
    if (e.resultJson !== undefined) p.result = redactText(e.resultJson);
  } else if (e.error !== undefined) {
    p.error = errorJson(e.error);
  }
  if (e.cacheKey !== undefined) p.cacheKey = e.cacheKey;
  p.retryAt = e.to === "AwaitingRetry" ? (e.retryAt ?? null) : null;
}

const INSERT = `INSERT INTO task_runs (run_id, task, parent, map_index, state, attempts, started_at, ended_at, error,
  result, cache_key, retry_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id, task) DO NOTHING`;
const UPDATE = `UPDATE task_runs SET state = ?, attempts = CASE WHEN attempts < ? THEN ? ELSE attempts END,
  started_at = COALESCE(started_at, ?), ended_at = ?, error = CASE WHEN ? = 1 THEN ? ELSE error END,
  result = COALESCE(?, result), cache_key = COALESCE(?, cache_key), retry_at = ?
WHERE run_id = ? AND task = ? AND state = ?`;
const STATE = "SELECT state FROM task_runs WHERE run_id = ? AND task = ?";

/**
 * Writes the patch. Returns null when it applied, else the stored state (or null for "no row") that made the
 * compare-and-set miss.
 */
export async function writePatch(sql: Sql, p: TaskPatch): Promise<{ current: string | null } | null> {
  if (p.create) {
    const created = (await sql.run(INSERT, [
      p.runId, p.task, p.create.parent, p.create.mapIndex, p.state, p.attempts, p.startedAt, p.endedAt,
      p.error ?? null, p.result, p.cacheKey, p.retryAt,
    ])) === 1;
    // An existing row makes the create a no-op; its transitions then compare-and-set against it.
    if (created || p.indices.length === 0) return null;
  }
  if (p.indices.length === 0) return null;
  const changes = await sql.run(UPDATE, [
    p.state, p.attempts, p.attempts, p.startedAt, p.endedAt, p.error === undefined ? 0 : 1, p.error ?? null,
    p.result, p.cacheKey, p.retryAt, p.runId, p.task, p.expect,
  ]);
  if (changes === 1) return null;
  const row = await sql.get<{ state: string }>(STATE, [p.runId, p.task]);
  return { current: row?.state ?? null };
}

export interface PendingTaskRow {
  runId: string;
  task: string;
  parent: string;
  mapIndex: number | null;
}

const PENDING_TEXTS = rowTexts("INSERT INTO task_runs (run_id, task, parent, map_index, state, attempts)", 6,
  "ON CONFLICT (run_id, task) DO NOTHING");
/** New Pending task rows, many per statement; an existing row is left alone. */
export const PENDING_TASK_ROWS: RowSpec<PendingTaskRow> = {
  texts: PENDING_TEXTS,
  bind: (r, out) => out.push(r.runId, r.task, r.parent, r.mapIndex, "Pending", 0),
};

/** Bare creates of a batch as new Pending rows, many per statement; an existing row is left alone. */
export const BARE_CREATE_ROWS: RowSpec<TaskPatch> = {
  texts: PENDING_TEXTS,
  bind: (p, out) => out.push(p.runId, p.task, p.create!.parent, p.create!.mapIndex, "Pending", 0),
};
