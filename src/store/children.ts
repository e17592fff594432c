/** @module The child runs of a run (`ctx.runPipeline`), oldest first. */
import type { Db } from "./sql.ts";
import { toRun, type RunRow } from "./rows.ts";
import type { RunRecord } from "./types.ts";

const CHILDREN = "SELECT * FROM runs WHERE parent_run_id = ? ORDER BY created_at, id";

/**
 * @example
 * for (const child of await listChildRuns(store, run.id)) console.log(child.id, child.state);
 */
export async function listChildRuns(store: Db, parentRunId: string): Promise<RunRecord[]> {
  return (await store.sql.all<RunRow>(CHILDREN, [parentRunId])).map(toRun);
}
