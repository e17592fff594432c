/** @module The child runs of a run (`ctx.runPipeline`), oldest first. */
import type { Store } from "./open-store.ts";
import { toRun, type RunRow } from "./rows.ts";
import type { RunRecord } from "./types.ts";

const CHILDREN = "SELECT * FROM runs WHERE parent_run_id = ? ORDER BY created_at, id";

/**
 * @example
 * for (const child of listChildRuns(store, run.id)) console.log(child.id, child.state);
 */
export function listChildRuns(store: Store, parentRunId: string): RunRecord[] {
  return (store.sql.stmt(CHILDREN).all(parentRunId) as RunRow[]).map(toRun);
}
