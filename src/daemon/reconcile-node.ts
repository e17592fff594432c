/**
 * @module Start-up reconcile of a cluster node (PostgreSQL): it touches only the runs its own id holds, never
 * another node's (those are the reaper's once their leases expire). Its run processes died with its previous
 * life, so each run it held Running or Cancelling is ended as the reaper would (recover-claim.ts: Crashed, fence
 * bumped, resumed when `resume: true`), runs it had claimed but not started are released for any worker, and the
 * pool leases of its runs are dropped; other nodes' leases are left to expire by their TTL.
 */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import {
  listClaimsOf, pruneExpiredLeases, releaseLeasesOfNode, type RunRecord, type Store,
} from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";
import { waitForExits, type ReconcileResult } from "./reconcile.ts";
import { recoverClaim } from "./recover-claim.ts";

export interface NodeReconcileDeps {
  store: Store;
  /** This node's id, stable across restarts (node-id.ts). */
  node: string;
  leaseMs: number;
  specOf(run: RunRecord): PipelineSpec | undefined | Promise<PipelineSpec | undefined>;
  now(): number;
  log: DaemonLogger;
}

/**
 * @example
 * const { crashed, resumed } = await reconcileNode({ store, node: "host-1a2b3c4d", leaseMs: 30_000, specOf, now: Date.now, log });
 */
export async function reconcileNode(deps: NodeReconcileDeps): Promise<ReconcileResult> {
  const { store, node, log } = deps;
  const result: ReconcileResult = { crashed: [], resumed: [], requeued: [] };
  await releaseLeasesOfNode(store, node);
  await pruneExpiredLeases(store, deps.now());
  const claims = await listClaimsOf(store, node);
  // this node's run processes exit once they notice their parent is gone
  await waitForExits(claims.flatMap((c) => (c.run.pid !== null && c.run.state !== "Pending" ? [c.run.pid] : [])), 3_000);
  for (const claim of claims) {
    const { run } = claim;
    const spec = run.state === "Running" ? await deps.specOf(run) : undefined;
    const why = `node ${node} restarted while this run was running`;
    const r = await recoverClaim(store, { claim, node, now: deps.now(), leaseMs: deps.leaseMs, expiredBy: Number.MAX_SAFE_INTEGER, why, spec });
    if (!r) continue;
    if (run.state === "Pending") result.requeued.push(run.id);
    if (!r.end) continue;
    result.crashed.push(run.id);
    log.warn("run:crashed", `${run.id} was left running by this node before it restarted: ${r.end}`, { runId: run.id });
    if (r.next) {
      result.resumed.push({ from: run.id, to: r.next.id });
      log.info(`run:${r.next.kind}`, `${run.id} ${r.next.kind === "resume" ? "resumed" : "retried"} as ${r.next.id} (completed tasks reused)`, { runId: r.next.id, retryOf: run.id });
    }
  }
  return result;
}
