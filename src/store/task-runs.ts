/** @module Task-row reads the engine needs: cached results and a run's task rows. */
import type { Store } from "./open-store.ts";
import { toTaskRun, type TaskRunRow } from "./rows.ts";
import type { TaskRunRecord } from "./types.ts";

export interface CachedResultQuery {
  pipeline: string;
  /** The task's name (for mapped items, the mapped task's name; the cache key tells items apart). */
  task: string;
  cacheKey: string;
  /** Ignore results that ended before this time (ms): the cache policy's expiry. */
  notBefore: number;
}

const CACHED = `SELECT t.* FROM task_runs t JOIN runs r ON r.id = t.run_id
WHERE t.parent = ? AND t.cache_key = ? AND t.state IN ('Completed', 'Cached') AND t.ended_at >= ?
  AND t.result IS NOT NULL AND r.pipeline = ?
ORDER BY t.ended_at DESC LIMIT 1`;

/** The newest successful task row with this cache key, or undefined. */
export function findCachedResult(store: Store, q: CachedResultQuery): TaskRunRecord | undefined {
  const row = store.sql.stmt(CACHED).get(q.task, q.cacheKey, q.notBefore, q.pipeline) as TaskRunRow | undefined;
  return row ? toTaskRun(row) : undefined;
}

// Insertion order is plan order (createTaskRuns), then mapped items as they appear.
const TASKS = "SELECT * FROM task_runs WHERE run_id = ? ORDER BY rowid";

/** A run's task rows in insertion (plan) order. */
export function getTaskRuns(store: Store, runId: string): TaskRunRecord[] {
  return (store.sql.stmt(TASKS).all(runId) as TaskRunRow[]).map(toTaskRun);
}
