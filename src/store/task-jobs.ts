/**
 * @module Task jobs: one execution of a task (or map item) declared `distribute: true`, queued in the database so
 * any worker node may run it. Claimed like runs (`claimStatement`: SKIP LOCKED, lease, fence bumped per claim); a
 * job whose worker died is claimed again once its lease expires, and only the holder of the current fence may
 * record its end. A cancel bumps the fence too, so the holder's renewals fail and it stops the job.
 */
import type { ErrorInfo } from "../core/errors.ts";
import { claimStatement, renewLeases } from "./claims.ts";
import { errorJson, parseJson } from "./rows.ts";
import type { Db } from "./sql.ts";

export type TaskJobState = "Pending" | "Running" | "Completed" | "Failed" | "Cancelled";

/** The channel a new job is announced on, and the one its end is announced on (PostgreSQL NOTIFY). */
export const JOBS_CHANNEL = "floe_jobs";
export const JOBS_DONE_CHANNEL = "floe_jobs_done";

export interface NewTaskJob {
  /** `<run id>/<task key>#<attempt>`: one job per attempt, so a repeated submission is the same job. */
  id: string;
  runId: string;
  pipeline: string;
  version: string;
  /** The task key: `name`, or `name[i]` for item i of a mapped task. */
  task: string;
  name: string;
  mapIndex: number | null;
  attempt: number;
  /** What the job child needs besides the code: the task's input, the run's logical date and trigger. */
  inputJson: string;
  createdAt: number;
}

export interface TaskJobRecord extends NewTaskJob {
  state: TaskJobState;
  claimedBy: string | null;
  fence: number;
  leaseExpiresAt: number | null;
  resultJson: string | null;
  error: ErrorInfo | null;
  /** Log lines and lineage events the task emitted while it ran (re-emitted by the run process). */
  eventsJson: string | null;
  endedAt: number | null;
}

export interface TaskJobClaim {
  job: TaskJobRecord;
  fence: number;
}

interface JobRow {
  id: string; run_id: string; pipeline: string; version: string; task: string; name: string; map_index: number | null;
  attempt: number; input_json: string; state: string; claimed_by: string | null; fence: number; lease_expires_at: number | null;
  result_json: string | null; error: string | null; events_json: string | null; created_at: number; ended_at: number | null;
}

const toJob = (r: JobRow): TaskJobRecord => ({
  id: r.id, runId: r.run_id, pipeline: r.pipeline, version: r.version, task: r.task, name: r.name, mapIndex: r.map_index,
  attempt: r.attempt, inputJson: r.input_json, state: r.state as TaskJobState, claimedBy: r.claimed_by, fence: r.fence,
  leaseExpiresAt: r.lease_expires_at, resultJson: r.result_json, error: parseJson<ErrorInfo>(r.error), eventsJson: r.events_json,
  createdAt: r.created_at, endedAt: r.ended_at,
});

const notify = async (db: Db, channel: string, payload = ""): Promise<void> => {
  if (db.sql.dialect === "postgres") await db.sql.run("SELECT pg_notify(?, ?)", [channel, payload]);
};

const INSERT = `INSERT INTO task_jobs (id, run_id, pipeline, version, task, name, map_index, attempt, input_json, state, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Pending', ?) ON CONFLICT (id) DO NOTHING`;

/**
 * Queues jobs (a job already queued under its id is left as it is) and wakes the workers.
 * @example
 * await submitTaskJobs(store, [{ id: `${runId}/tile[0]#1`, runId, pipeline, version, task: "tile[0]", name: "tile", mapIndex: 0, attempt: 1, inputJson, createdAt: Date.now() }]);
 */
export async function submitTaskJobs(db: Db, jobs: readonly NewTaskJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.sql.tx(async (sql) => {
    for (const j of jobs) {
      await sql.run(INSERT, [j.id, j.runId, j.pipeline, j.version, j.task, j.name, j.mapIndex, j.attempt, j.inputJson, j.createdAt]);
    }
    await notify({ sql }, JOBS_CHANNEL);
  });
}

const CLAIM = claimStatement("task_jobs", "state IN ('Pending', 'Running')", ", state = 'Running'");

/** Claims up to `limit` jobs nobody holds (or whose worker's lease expired), oldest first. */
export async function claimTaskJobs(db: Db, c: { node: string; limit: number; now: number; leaseMs: number }): Promise<TaskJobClaim[]> {
  if (c.limit <= 0) return [];
  const rows = await db.sql.all<JobRow>(CLAIM[db.sql.dialect], [c.node, c.now + c.leaseMs, c.now, c.limit]);
  return rows.map((r) => ({ job: toJob(r), fence: r.fence })).sort((a, b) => a.job.createdAt - b.job.createdAt || (a.job.id < b.job.id ? -1 : 1));
}

/** Extends this node's job leases; returns the ids of jobs it no longer holds (claimed again, or cancelled). */
export function renewTaskJobs(db: Db, node: string, claims: readonly { id: string; fence: number }[], expiresAt: number): Promise<string[]> {
  return renewLeases(db, "task_jobs", node, claims, expiresAt);
}

export interface TaskJobEnd {
  id: string;
  fence: number;
  state: "Completed" | "Failed";
  resultJson?: string | undefined;
  error?: ErrorInfo | undefined;
  eventsJson?: string | undefined;
  at: number;
}

const FINISH = `UPDATE task_jobs SET state = ?, result_json = ?, error = ?, events_json = ?, ended_at = ?, lease_expires_at = NULL
WHERE id = ? AND fence = ? AND state = 'Running'`;

/** Records a job's end; false (nothing written) when the fence moved on: another worker holds it, or it was cancelled. */
export async function finishTaskJob(db: Db, end: TaskJobEnd): Promise<boolean> {
  return db.sql.tx(async (sql) => {
    const args = [end.state, end.resultJson ?? null, errorJson(end.error), end.eventsJson ?? null, end.at, end.id, end.fence];
    if ((await sql.run(FINISH, args)) !== 1) return false;
    await notify({ sql }, JOBS_DONE_CHANNEL);
    return true;
  });
}

/** Gives a job back (its node is stopping) for another worker at once; false when the fence moved on. */
export async function releaseTaskJob(db: Db, id: string, fence: number): Promise<boolean> {
  const sql = "UPDATE task_jobs SET state = 'Pending', claimed_by = NULL, lease_expires_at = NULL WHERE id = ? AND fence = ? AND state = 'Running'";
  return (await db.sql.run(sql, [id, fence])) === 1;
}

/** Cancels the given jobs, or every open job of a run; their holders lose them (the fence moves on). */
export async function cancelTaskJobs(db: Db, which: { ids: readonly string[] } | { runId: string }, at: number): Promise<number> {
  const set = "UPDATE task_jobs SET state = 'Cancelled', fence = fence + 1, lease_expires_at = NULL, ended_at = ?";
  const open = "state IN ('Pending', 'Running')";
  if ("runId" in which) return db.sql.run(`${set} WHERE run_id = ? AND ${open}`, [at, which.runId]);
  if (which.ids.length === 0) return 0;
  return db.sql.tx(async (sql) => {
    let n = 0;
    for (const id of which.ids) n += await sql.run(`${set} WHERE id = ? AND ${open}`, [at, id]);
    return n;
  });
}

/** The jobs among `ids` that ended (Completed, Failed or Cancelled). */
export async function endedTaskJobs(db: Db, ids: readonly string[]): Promise<TaskJobRecord[]> {
  if (ids.length === 0) return [];
  const marks = ids.map(() => "?").join(", ");
  const rows = await db.sql.all<JobRow>(`SELECT * FROM task_jobs WHERE id IN (${marks}) AND state IN ('Completed', 'Failed', 'Cancelled')`, ids);
  return rows.map(toJob);
}

/** Names the worker node that ran a job as the node of its task row (the run's node recorded it Running). */
export async function recordJobNode(db: Db, job: Pick<TaskJobRecord, "runId" | "task" | "claimedBy">): Promise<void> {
  if (job.claimedBy !== null) await db.sql.run("UPDATE task_runs SET node = ? WHERE run_id = ? AND task = ?", [job.claimedBy, job.runId, job.task]);
}

/** Every job of a run, in creation order. */
export async function listTaskJobs(db: Db, runId: string): Promise<TaskJobRecord[]> {
  const rows = await db.sql.all<JobRow>("SELECT * FROM task_jobs WHERE run_id = ? ORDER BY created_at, id", [runId]);
  return rows.map(toJob);
}
