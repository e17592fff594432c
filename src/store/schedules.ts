/** @module Schedule rows: upserted from the loader's specs; the cursor (last slot handled) only moves forward. */
import type { Db } from "./sql.ts";
import { jsonOrNull } from "./rows.ts";
import type { ScheduleRecord } from "./types.ts";

export interface ScheduleUpsert {
  /** Stable id derived from the pipeline and the schedule's name. */
  id: string;
  pipeline: string;
  name: string;
  cron: string;
  timezone: string;
  policy: unknown;
  /** Initial pause state for a new row; an existing row keeps its own (pause/resume survive reloads). */
  paused?: boolean | undefined;
}

interface ScheduleRow {
  id: string;
  pipeline: string;
  name: string;
  cron: string;
  timezone: string;
  policy: string;
  cursor_at: number | null;
  paused: number;
  updated_at: number;
}

const toSchedule = (r: ScheduleRow): ScheduleRecord => ({
  id: r.id, pipeline: r.pipeline, name: r.name, cron: r.cron, timezone: r.timezone,
  policy: JSON.parse(r.policy) as unknown, cursorAt: r.cursor_at, paused: r.paused === 1, updatedAt: r.updated_at,
});

const UPSERT = `INSERT INTO schedules (id, pipeline, name, cron, timezone, policy, cursor_at, paused, updated_at)
VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
ON CONFLICT (id) DO UPDATE SET pipeline = excluded.pipeline, name = excluded.name, cron = excluded.cron,
  timezone = excluded.timezone, policy = excluded.policy, updated_at = excluded.updated_at`;

/** Inserts or updates schedules, keeping each existing row's cursor and pause state. */
export async function upsertSchedules(store: Db, rows: readonly ScheduleUpsert[], at: number = Date.now()): Promise<void> {
  await store.sql.tx(async (sql) => {
    for (const r of rows) {
      await sql.run(UPSERT, [r.id, r.pipeline, r.name, r.cron, r.timezone, jsonOrNull(r.policy ?? {}), r.paused ? 1 : 0, at]);
    }
  });
}

/** Deletes the pipeline's schedules whose id is not in `ids` (all of them for `[]`); returns the removed ids. */
export async function removeSchedulesNotIn(store: Db, pipeline: string, ids: readonly string[]): Promise<string[]> {
  const keep = new Set(ids);
  return store.sql.tx(async (sql) => {
    const existing = (await sql.all("SELECT id FROM schedules WHERE pipeline = ?", [pipeline])) as { id: string }[];
    const removed = existing.map((r) => r.id).filter((id) => !keep.has(id));
    for (const id of removed) (await sql.run("DELETE FROM schedules WHERE id = ?", [id]));
    return removed;
  });
}

const ADVANCE = `UPDATE schedules SET cursor_at = ?, updated_at = ?
WHERE id = ? AND (cursor_at IS NULL OR cursor_at < ?)`;

/** Moves the cursor to `slotAt` if that is later than where it is; returns whether it moved. */
export async function advanceScheduleCursor(store: Db, id: string, slotAt: number, at: number = Date.now()): Promise<boolean> {
  return (await store.sql.run(ADVANCE, [slotAt, at, id, slotAt])) === 1;
}

/** The channel a pause or resume is announced on (PostgreSQL NOTIFY): the scheduler leader re-reads the flags. */
export const SCHEDULES_CHANNEL = "floe_schedules";

/** Pauses or resumes a schedule and tells the other nodes (nothing to tell on SQLite); false when no such schedule. */
export async function setSchedulePaused(store: Db, id: string, paused: boolean, at: number = Date.now()): Promise<boolean> {
  const found = (await store.sql.run("UPDATE schedules SET paused = ?, updated_at = ? WHERE id = ?", [paused ? 1 : 0, at, id])) === 1;
  if (found && store.sql.dialect === "postgres") await store.sql.run(`SELECT pg_notify('${SCHEDULES_CHANNEL}', '')`);
  return found;
}

/** Every schedule (or one pipeline's), by pipeline then name. */
export async function listSchedules(store: Db, opts: { pipeline?: string | undefined } = {}): Promise<ScheduleRecord[]> {
  const rows = opts.pipeline === undefined
    ? (await store.sql.all("SELECT * FROM schedules ORDER BY pipeline, name"))
    : (await store.sql.all("SELECT * FROM schedules WHERE pipeline = ? ORDER BY name", [opts.pipeline]));
  return (rows as ScheduleRow[]).map(toSchedule);
}

export async function getSchedule(store: Db, id: string): Promise<ScheduleRecord | undefined> {
  const row = (await store.sql.get("SELECT * FROM schedules WHERE id = ?", [id])) as ScheduleRow | undefined;
  return row ? toSchedule(row) : undefined;
}
