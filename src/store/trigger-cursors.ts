/**
 * @module Data-trigger cursors: for each watched (pipeline, repository, branch), the last snapshot handled. The run a
 * snapshot starts is keyed by it (an idempotency key), so writing the run and then the cursor is safe to repeat.
 */
import type { Store } from "./open-store.ts";

/** The last snapshot handled for this trigger id, or undefined for a trigger never seen. */
export function getTriggerCursor(store: Store, id: string): string | undefined {
  const row = store.sql.stmt("SELECT snapshot_id FROM trigger_cursors WHERE id = ?").get(id) as { snapshot_id: string } | undefined;
  return row?.snapshot_id;
}

const SET = `INSERT INTO trigger_cursors (id, pipeline, snapshot_id, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET snapshot_id = excluded.snapshot_id, updated_at = excluded.updated_at`;

/** Records `snapshotId` as handled for this trigger id. */
export function setTriggerCursor(store: Store, id: string, pipeline: string, snapshotId: string, at: number): void {
  store.sql.stmt(SET).run(id, pipeline, snapshotId, at);
}
