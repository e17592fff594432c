/**
 * @module Data-trigger cursors: for each watched (pipeline, repository, branch), the last snapshot handled. The run a
 * snapshot starts is keyed by it (an idempotency key), so writing the run and then the cursor is safe to repeat.
 */
import type { Db } from "./sql.ts";

/** The last snapshot handled for this trigger id, or undefined for a trigger never seen. */
export async function getTriggerCursor(store: Db, id: string): Promise<string | undefined> {
  const row = (await store.sql.get("SELECT snapshot_id FROM trigger_cursors WHERE id = ?", [id])) as { snapshot_id: string } | undefined;
  return row?.snapshot_id;
}

const SET = `INSERT INTO trigger_cursors (id, pipeline, snapshot_id, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET snapshot_id = excluded.snapshot_id, updated_at = excluded.updated_at`;

/** Records `snapshotId` as handled for this trigger id. */
export async function setTriggerCursor(store: Db, id: string, pipeline: string, snapshotId: string, at: number): Promise<void> {
  await store.sql.run(SET, [id, pipeline, snapshotId, at]);
}
