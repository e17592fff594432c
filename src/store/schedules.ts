/** @module Schedule rows: upserted from the loader's specs; the cursor (last slot handled) only moves forward. */
import type { Store } from "./open-store.ts";
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
export function upsertSchedules(store: Store, rows: readonly ScheduleUpsert[], at: number = Date.now()): void {
  const { sql } = store;
  sql.tx(() => {
    for (const r of rows) {
      sql.stmt(UPSERT).run(r.id, r.pipeline, r.name, r.cron, r.timezone, jsonOrNull(r.policy ?? {}), r.paused ? 1 : 0, at);
    }
  });
}

/** Deletes the pipeline's schedules whose id is not in `ids` (all of them for `[]`); returns the removed ids. */
export function removeSchedulesNotIn(store: Store, pipeline: string, ids: readonly string[]): string[] {
  const { sql } = store;
  const keep = new Set(ids);
  return sql.tx(() => {
    const existing = sql.stmt("SELECT id FROM schedules WHERE pipeline = ?").all(pipeline) as { id: string }[];
    const removed = existing.map((r) => r.id).filter((id) => !keep.has(id));
    for (const id of removed) sql.stmt("DELETE FROM schedules WHERE id = ?").run(id);
    return removed;
  });
}

const ADVANCE = `UPDATE schedules SET cursor_at = ?, updated_at = ?
WHERE id = ? AND (cursor_at IS NULL OR cursor_at < ?)`;

/** Moves the cursor to `slotAt` if that is later than where it is; returns whether it moved. */
export function advanceScheduleCursor(store: Store, id: string, slotAt: number, at: number = Date.now()): boolean {
  return store.sql.stmt(ADVANCE).run(slotAt, at, id, slotAt).changes === 1;
}

/** Pauses or resumes a schedule; false when no such schedule. */
export function setSchedulePaused(store: Store, id: string, paused: boolean, at: number = Date.now()): boolean {
  return store.sql.stmt("UPDATE schedules SET paused = ?, updated_at = ? WHERE id = ?").run(paused ? 1 : 0, at, id)
    .changes === 1;
}

/** Every schedule (or one pipeline's), by pipeline then name. */
export function listSchedules(store: Store, opts: { pipeline?: string | undefined } = {}): ScheduleRecord[] {
  const rows = opts.pipeline === undefined
    ? store.sql.stmt("SELECT * FROM schedules ORDER BY pipeline, name").all()
    : store.sql.stmt("SELECT * FROM schedules WHERE pipeline = ? ORDER BY name").all(opts.pipeline);
  return (rows as ScheduleRow[]).map(toSchedule);
}

export function getSchedule(store: Store, id: string): ScheduleRecord | undefined {
  const row = store.sql.stmt("SELECT * FROM schedules WHERE id = ?").get(id) as ScheduleRow | undefined;
  return row ? toSchedule(row) : undefined;
}
