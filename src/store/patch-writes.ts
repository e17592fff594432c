/**
 * @module Many task patches per statement, for `applyRunEvents`: patches that create their row as multi-row INSERTs
 * in their latest state, the others as one `UPDATE ... FROM (VALUES ...)` per chunk (SQLite >= 3.33, PostgreSQL),
 * each VALUES row with its own expected state so the compare-and-set stays per row. A chunk that does not apply
 * whole is rolled back to its savepoint and written patch by patch (task-patch.ts), so every miss and error is
 * reported for its own patch.
 */
import { CHUNKS, chunkSizes, rowTexts, tuples } from "./insert-many.ts";
import { INT, type Sql } from "./sql.ts";
import { writePatch, type TaskPatch } from "./task-patch.ts";

/** What `writePatches` reports per patch that did not apply. */
export interface PatchSink {
  miss(p: TaskPatch, current: string | null): void;
  error(p: TaskPatch, cause: unknown): void;
}

const INSERT_HEAD = `INSERT INTO task_runs (run_id, task, parent, map_index, state, attempts, started_at, ended_at, error,
  result, cache_key, retry_at)`;
// Typed casts: PostgreSQL types a CTE's VALUES from its rows, and a bare parameter there would be text.
const UPDATE_ROW = `(?, ?, ?, ?, ${INT}, ${INT}, ${INT}, ${INT}, ?, ?, ?, ${INT})`;
const UPDATE_FROM = (n: number): string => `WITH v (run_id, task, expect, state, attempts, started_at, ended_at,
  set_error, error, result, cache_key, retry_at) AS (VALUES ${tuples(UPDATE_ROW, n)})
UPDATE task_runs SET state = v.state,
  attempts = CASE WHEN task_runs.attempts < v.attempts THEN v.attempts ELSE task_runs.attempts END,
  started_at = COALESCE(task_runs.started_at, v.started_at), ended_at = v.ended_at,
  error = CASE WHEN v.set_error = 1 THEN v.error ELSE task_runs.error END,
  result = COALESCE(v.result, task_runs.result), cache_key = COALESCE(v.cache_key, task_runs.cache_key),
  retry_at = v.retry_at
FROM v WHERE task_runs.run_id = v.run_id AND task_runs.task = v.task AND task_runs.state = v.expect`;

// Statement texts per chunk size, built once (the statement cache is keyed by text).
const INSERT_TEXTS = rowTexts(INSERT_HEAD, 12, "ON CONFLICT (run_id, task) DO NOTHING");
const UPDATE_TEXTS = new Map(CHUNKS.map((n) => [n, UPDATE_FROM(n)]));

const bindInsert = (p: TaskPatch, out: unknown[]): void => {
  out.push(p.runId, p.task, p.create!.parent, p.create!.mapIndex, p.state, p.attempts, p.startedAt, p.endedAt,
    p.error ?? null, p.result, p.cacheKey, p.retryAt);
};
const bindUpdate = (p: TaskPatch, out: unknown[]): void => {
  out.push(p.runId, p.task, p.expect, p.state, p.attempts, p.startedAt, p.endedAt, p.error === undefined ? 0 : 1,
    p.error ?? null, p.result, p.cacheKey, p.retryAt);
};
/** Thrown inside a chunk's savepoint to undo a chunk that did not apply whole. */
const PARTIAL = Symbol("partial chunk");

/** Writes patches that carry transitions; reports the ones that did not apply. */
export async function writePatches(sql: Sql, patches: readonly TaskPatch[], report: PatchSink): Promise<void> {
  const inserts: TaskPatch[] = [];
  const updates: TaskPatch[] = [];
  for (const p of patches) (p.create ? inserts : updates).push(p);
  await writeChunked(sql, inserts, INSERT_TEXTS, bindInsert, report);
  await writeChunked(sql, updates, UPDATE_TEXTS, bindUpdate, report);
}

async function writeChunked(
  sql: Sql,
  patches: readonly TaskPatch[],
  texts: ReadonlyMap<number, string>,
  bind: (p: TaskPatch, out: unknown[]) => void,
  report: PatchSink,
): Promise<void> {
  let at = 0;
  for (const n of chunkSizes(patches.length)) {
    const chunk = patches.slice(at, at + n);
    at += n;
    if (n > 1) {
      const args: unknown[] = [];
      for (const p of chunk) bind(p, args);
      try {
        await sql.tx(async (inner) => {
          if ((await inner.run(texts.get(n)!, args)) !== n) throw PARTIAL;
        });
        continue;
      } catch {
        // fall through: one by one, so each miss or error lands on its own patch
      }
    }
    for (const p of chunk) await writeOne(sql, p, report);
  }
}

async function writeOne(sql: Sql, p: TaskPatch, report: PatchSink): Promise<void> {
  let miss: { current: string | null } | null;
  try {
    miss = await sql.guard((g) => writePatch(g, p));
  } catch (cause) {
    report.error(p, cause);
    return;
  }
  if (miss !== null) report.miss(p, miss.current);
}
