/**
 * @module Backfills: one row per request and one per slot it covers. Creating a backfill creates its runs under the
 * same unique (schedule, slot) key the scheduler uses, in one transaction, so a slot that already has a run is
 * never run twice; with `rerunFailed`, a slot whose run did not complete gets a new run (without the key, which
 * stays with the first run) and the slot row points at it.
 */
import { newId } from "../core/ids.ts";
import type { RunState } from "../core/states.ts";
import type { Db, Sql } from "./sql.ts";
import { toRun, type RunRow } from "./rows.ts";
import { createRun } from "./runs.ts";
import type { RunRecord, RunTrigger } from "./types.ts";

export type BackfillState = "Running" | "Completed" | "Failed" | "Cancelled";

export interface BackfillRecord {
  id: string;
  pipeline: string;
  scheduleId: string;
  fromAt: number;
  toAt: number;
  maxActive: number;
  rerunFailed: boolean;
  /** Running until every slot's run has ended; then Completed only if every one Completed. */
  state: BackfillState;
  createdAt: number;
  endedAt: number | null;
}

export interface BackfillSlotRecord {
  slotAt: number;
  runId: string | null;
  /** The run's state (null when the slot has no run). */
  state: RunState | null;
  /** Whether this backfill created the run (false: the slot had already run and was skipped). */
  created: boolean;
}

export interface BackfillDetail extends BackfillRecord {
  slots: BackfillSlotRecord[];
}

export interface CreateBackfillInput {
  pipeline: string;
  /** The version new runs execute. */
  version: string;
  scheduleId: string;
  /** The schedule's name (runs carry it, so a `params(slot)` function is found). */
  scheduleName: string;
  slots: readonly number[];
  fromAt: number;
  toAt: number;
  maxActive: number;
  rerunFailed: boolean;
  /** Params for every new run (the schedule's fixed params, validated). */
  params: unknown;
  createdAt: number;
}

const RERUN: ReadonlySet<string> = new Set(["Failed", "Crashed", "TimedOut", "Cancelled"]);

const INSERT = `INSERT INTO backfills (id, pipeline, schedule_id, from_at, to_at, max_active, rerun_failed, state, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, 'Running', ?)`;
const INSERT_SLOT = "INSERT INTO backfill_slots (backfill_id, slot_at, run_id, created) VALUES (?, ?, ?, ?)";

/**
 * Creates the backfill and its runs (Pending); returns it with the runs it created, for the run queue.
 * @example
 * const { backfill, created } = await createBackfill(store, { pipeline: "p", version, scheduleId: "p:daily", scheduleName: "daily", slots, ... });
 */
export function createBackfill(store: Db, input: CreateBackfillInput): Promise<{ backfill: BackfillRecord; created: RunRecord[] }> {
  return store.sql.tx(async (sql) => {
    const id = newId(input.createdAt);
    await sql.run(INSERT, [id, input.pipeline, input.scheduleId, input.fromAt, input.toAt, input.maxActive, input.rerunFailed ? 1 : 0, input.createdAt]);
    const created: RunRecord[] = [];
    const detail = { schedule: input.scheduleName, backfill: id, maxActive: input.maxActive };
    for (const slotAt of input.slots) {
      const trigger: RunTrigger = { kind: "schedule", detail: { ...detail, slotAt } };
      const base = { pipeline: input.pipeline, version: input.version, params: input.params, createdAt: input.createdAt };
      let { run, created: isNew } = await createRun({ sql }, { ...base, trigger, scheduleId: input.scheduleId, slotAt });
      // the slot's newest run, if an earlier backfill reran it
      if (!isNew) run = (await latestSlotRun(sql, input.scheduleId, slotAt)) ?? run;
      if (!isNew && input.rerunFailed && RERUN.has(run.state)) {
        const rerunOf = run.id;
        ({ run, created: isNew } = await createRun({ sql }, { ...base, trigger: { kind: "schedule", detail: { ...detail, slotAt, rerunOf } }, scheduledFor: slotAt }));
      }
      if (isNew) created.push(run);
      await sql.run(INSERT_SLOT, [id, slotAt, run.id, isNew ? 1 : 0]);
    }
    return { backfill: (await getBackfillRecord({ sql }, id))!, created };
  });
}

const LATEST_SLOT_RUN = `SELECT r.* FROM backfill_slots s JOIN backfills b ON b.id = s.backfill_id JOIN runs r ON r.id = s.run_id
WHERE b.schedule_id = ? AND s.slot_at = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1`;

async function latestSlotRun(sql: Sql, scheduleId: string, slotAt: number): Promise<RunRecord | undefined> {
  const row = await sql.get<RunRow>(LATEST_SLOT_RUN, [scheduleId, slotAt]);
  return row ? toRun(row) : undefined;
}

interface BackfillRow {
  id: string;
  pipeline: string;
  schedule_id: string;
  from_at: number;
  to_at: number;
  max_active: number;
  rerun_failed: number;
  state: string;
  created_at: number;
  ended_at: number | null;
}

const toBackfill = (r: BackfillRow): BackfillRecord => ({
  id: r.id, pipeline: r.pipeline, scheduleId: r.schedule_id, fromAt: r.from_at, toAt: r.to_at, maxActive: r.max_active,
  rerunFailed: r.rerun_failed === 1, state: r.state as BackfillState, createdAt: r.created_at, endedAt: r.ended_at,
});

async function getBackfillRecord(store: Db, id: string): Promise<BackfillRecord | undefined> {
  const row = (await store.sql.get("SELECT * FROM backfills WHERE id = ?", [id])) as BackfillRow | undefined;
  return row ? toBackfill(row) : undefined;
}

const SLOTS = `SELECT s.slot_at, s.run_id, s.created, r.state FROM backfill_slots s LEFT JOIN runs r ON r.id = s.run_id
WHERE s.backfill_id = ? ORDER BY s.slot_at`;

const TERMINAL: ReadonlySet<string> = new Set(["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"]);

/** A backfill with each slot and the state of its run; the state is derived from the slots while it runs. */
export async function getBackfill(store: Db, id: string): Promise<BackfillDetail | undefined> {
  const record = await getBackfillRecord(store, id);
  if (!record) return undefined;
  const rows = (await store.sql.all(SLOTS, [id])) as { slot_at: number; run_id: string | null; created: number; state: string | null }[];
  const slots = rows.map((r) => ({ slotAt: r.slot_at, runId: r.run_id, state: r.state as RunState | null, created: r.created === 1 }));
  let state = record.state;
  if (state === "Running" && slots.every((s) => s.state !== null && TERMINAL.has(s.state))) {
    state = slots.every((s) => s.state === "Completed") ? "Completed" : "Failed";
  }
  return { ...record, state, slots };
}

/** Marks a backfill Cancelled (its runs are cancelled by the caller); false when unknown or already ended. */
export async function cancelBackfill(store: Db, id: string, at: number): Promise<boolean> {
  return (await store.sql.run("UPDATE backfills SET state = 'Cancelled', ended_at = ? WHERE id = ? AND state = 'Running'", [at, id])) === 1;
}

/** Newest first, optionally one pipeline's. */
export async function listBackfills(store: Db, opts: { pipeline?: string | undefined; limit?: number } = {}): Promise<BackfillRecord[]> {
  const limit = Math.min(500, Math.max(1, opts.limit ?? 50));
  const rows = opts.pipeline === undefined
    ? (await store.sql.all("SELECT * FROM backfills ORDER BY created_at DESC, id DESC LIMIT ?", [limit]))
    : (await store.sql.all("SELECT * FROM backfills WHERE pipeline = ? ORDER BY created_at DESC, id DESC LIMIT ?", [opts.pipeline, limit]));
  return (rows as BackfillRow[]).map(toBackfill);
}
