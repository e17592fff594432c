/** @module Task-row reads the engine needs: cached results and a run's task rows. */
import type { Db } from "./sql.ts";
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
WHERE t.parent = ? AND t.cache_key = ? AND t.state = 'Completed' AND t.ended_at >= ?
  AND t.result IS NOT NULL AND r.pipeline = ?
ORDER BY t.ended_at DESC LIMIT 1`;

/**
 * The newest row that computed a result under this cache key, or undefined. Only Completed rows: a Cached row read
 * nothing itself, so the snapshots a result depends on are those of the row that computed it.
 */
export async function findCachedResult(store: Db, q: CachedResultQuery): Promise<TaskRunRecord | undefined> {
  const row = (await store.sql.get(CACHED, [q.task, q.cacheKey, q.notBefore, q.pipeline])) as TaskRunRow | undefined;
  return row ? toTaskRun(row) : undefined;
}

// Insertion order is plan order (createTaskRuns), then mapped items as they appear: SQLite's rowid, PostgreSQL's
// identity column `ord`.
const TASKS = { sqlite: "SELECT * FROM task_runs WHERE run_id = ? ORDER BY rowid", postgres: "SELECT * FROM task_runs WHERE run_id = ? ORDER BY ord" };

/** A run's task rows in insertion (plan) order. */
export async function getTaskRuns(store: Db, runId: string): Promise<TaskRunRecord[]> {
  return ((await store.sql.all(TASKS[store.sql.dialect], [runId])) as TaskRunRow[]).map(toTaskRun);
}

/** A snapshot a cached result depended on: the reference it was read through (branch or tag) and what it was. */
export interface CachedRead {
  repo: string;
  branch: string | null;
  tag: string | null;
  snapshotId: string;
}

const TASK_READS = `SELECT DISTINCT repo, branch, tag, snapshot_id FROM snapshot_reads WHERE run_id = ? AND task = ?`;

/** The distinct snapshots one task of a run read (what a cached result of it depends on). */
export async function getTaskReads(store: Db, runId: string, task: string): Promise<CachedRead[]> {
  const rows = (await store.sql.all(TASK_READS, [runId, task])) as { repo: string; branch: string | null; tag: string | null; snapshot_id: string }[];
  return rows.map((r) => ({ repo: r.repo, branch: r.branch, tag: r.tag, snapshotId: r.snapshot_id }));
}

/** A cached result with the snapshots its task read, or undefined. */
export interface CacheHit {
  resultJson: string;
  reads: CachedRead[];
}

/** The newest cached result under this key and the snapshots it was computed from (callers check they are current). */
export async function findCacheHit(store: Db, q: CachedResultQuery): Promise<CacheHit | undefined> {
  const found = await findCachedResult(store, q);
  if (found?.resultJson == null) return undefined;
  return { resultJson: found.resultJson, reads: await getTaskReads(store, found.runId, found.task) };
}
