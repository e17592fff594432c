/** @module Creating runs and their planned task rows, idempotently. */
import { newId } from "../core/ids.ts";
import { insertMany } from "./insert-many.ts";
import type { Db, Sql } from "./sql.ts";
import { jsonOrNull, toRun, type RunRow } from "./rows.ts";
import { PENDING_TASK_ROWS, type PendingTaskRow } from "./task-patch.ts";
import type { RunRecord, RunTrigger } from "./types.ts";

export interface CreateRunInput {
  pipeline: string;
  /** Pipeline version (plan content hash). */
  version: string;
  /** Validated params (redacted before storing). */
  params: unknown;
  trigger: RunTrigger;
  /** Unique per pipeline: the same key returns the existing run. */
  idempotencyKey?: string | undefined;
  /** With `slotAt`: unique, so a schedule slot never gets two runs. */
  scheduleId?: string | undefined;
  slotAt?: number | undefined;
  retryOf?: string | undefined;
  /** The run whose task starts this one (`ctx.runPipeline`). */
  parentRunId?: string | undefined;
  /** The run's logical date (`ctx.scheduledFor`); defaults to `slotAt`, else `createdAt`. */
  scheduledFor?: number | undefined;
  state?: "Pending" | "Scheduled" | undefined;
  /** Defaults to a fresh time-ordered id. */
  id?: string | undefined;
  /** Defaults to `Date.now()`; pass the injected clock's time. */
  createdAt?: number | undefined;
}

/** The channel a new run is announced on (PostgreSQL NOTIFY). */
export const RUNS_CHANNEL = "floe_runs";

const INSERT_RUN = `INSERT INTO runs (id, pipeline, version, state, params, trigger_kind, trigger_detail,
  idempotency_key, schedule_id, slot_at, retry_of, created_at, scheduled_for, parent_run_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING`;
const INSERT_CREATED_EVENT = `INSERT INTO events (run_id, task, from_state, to_state, at, reason, attempt)
VALUES (?, NULL, NULL, ?, ?, 'created', NULL)`;
const BY_ID = "SELECT * FROM runs WHERE id = ?";
const BUMP_CHANGE_COUNT = "UPDATE runs SET change_count = change_count + 1 WHERE id = ?";
const BY_KEY = "SELECT * FROM runs WHERE pipeline = ? AND idempotency_key = ?";
const BY_SLOT = "SELECT * FROM runs WHERE schedule_id = ? AND slot_at = ?";

/**
 * Inserts a run, or returns the run that already holds its idempotency key or schedule slot.
 * @example
 * const { run, created } = await createRun(store, { pipeline: "p", version: "abc", params: {}, trigger: { kind: "manual" } });
 */
export function createRun(db: Db, input: CreateRunInput): Promise<{ run: RunRecord; created: boolean }> {
  return db.sql.tx(async (sql) => {
    const createdAt = input.createdAt ?? Date.now();
    const id = input.id ?? newId(createdAt);
    const state = input.state ?? "Pending";
    const changes = await sql.run(INSERT_RUN, [
      id, input.pipeline, input.version, state, jsonOrNull(input.params ?? {}), input.trigger.kind,
      jsonOrNull(input.trigger.detail), input.idempotencyKey ?? null, input.scheduleId ?? null,
      input.slotAt ?? null, input.retryOf ?? null, createdAt, input.scheduledFor ?? input.slotAt ?? createdAt,
      input.parentRunId ?? null,
    ]);
    if (changes === 1) {
      await sql.run(INSERT_CREATED_EVENT, [id, state, createdAt]);
      // wakes waiting workers at commit (PostgreSQL LISTEN/NOTIFY; they poll as well)
      if (sql.dialect === "postgres") await sql.run(`SELECT pg_notify('${RUNS_CHANNEL}', '')`);
      // the parent's detail lists its children
      if (input.parentRunId !== undefined) await sql.run(BUMP_CHANGE_COUNT, [input.parentRunId]);
      return { run: toRun((await sql.get<RunRow>(BY_ID, [id]))!), created: true };
    }
    const existing = await findExisting(sql, input, id);
    if (!existing) throw new Error(`run insert for ${input.pipeline} was ignored but no conflicting run was found`);
    return { run: toRun(existing), created: false };
  });
}

async function findExisting(sql: Sql, input: CreateRunInput, id: string): Promise<RunRow | undefined> {
  if (input.idempotencyKey !== undefined) {
    const row = await sql.get<RunRow>(BY_KEY, [input.pipeline, input.idempotencyKey]);
    if (row) return row;
  }
  if (input.scheduleId !== undefined && input.slotAt !== undefined) {
    const row = await sql.get<RunRow>(BY_SLOT, [input.scheduleId, input.slotAt]);
    if (row) return row;
  }
  return sql.get<RunRow>(BY_ID, [id]);
}

export interface TaskRunInit {
  /** Task key: the task name, or `name[i]` for a mapped item. */
  task: string;
  /** The mapped task's name for an item; defaults to `task`. */
  parent?: string | undefined;
  mapIndex?: number | null | undefined;
}

/**
 * Inserts Pending rows for a run's planned tasks (existing rows are left alone); returns how many were new.
 * Throws (inserting nothing) when the run does not exist.
 */
export function createTaskRuns(db: Db, runId: string, tasks: readonly (TaskRunInit | string)[]): Promise<number> {
  const rows = tasks.map((t): PendingTaskRow =>
    typeof t === "string"
      ? { runId, task: t, parent: t, mapIndex: null }
      : { runId, task: t.task, parent: t.parent ?? t.task, mapIndex: t.mapIndex ?? null },
  );
  return db.sql.tx(async (sql) => {
    const n = await insertMany(sql, PENDING_TASK_ROWS, rows, (_, cause) => {
      throw cause;
    });
    if (n > 0) await sql.run("UPDATE runs SET change_count = change_count + 1 WHERE id = ?", [runId]);
    return n;
  });
}
