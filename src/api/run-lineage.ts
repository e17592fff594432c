/**
 * @module A run's lineage as the API and the page show it: the snapshots it read and committed, and those of the
 * child runs it waited for (`ctx.runPipeline`), their children's too; each record keeps the run that made it.
 */
import { getRunSnapshots, listChildRuns, type CommitRecord, type RunRecord, type SnapshotReadRecord, type Store } from "../store/index.ts";

/** Nesting followed at most (a guard: runs cannot form a cycle of parents). */
const MAX_DEPTH = 5;

export async function runLineage(
  store: Store,
  runId: string,
  children: readonly RunRecord[],
  depth = 0,
): Promise<{ reads: SnapshotReadRecord[]; commits: CommitRecord[] }> {
  const own = await getRunSnapshots(store, runId);
  if (depth >= MAX_DEPTH) return own;
  const reads = [...own.reads];
  const commits = [...own.commits];
  for (const child of children) {
    if ((child.trigger.detail as { wait?: unknown } | null)?.wait !== true) continue; // a run on its own: its own lineage
    const sub = await runLineage(store, child.id, await listChildRuns(store, child.id), depth + 1);
    reads.push(...sub.reads);
    commits.push(...sub.commits);
  }
  return { reads, commits };
}
