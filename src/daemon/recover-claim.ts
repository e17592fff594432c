/**
 * @module Ending a run a cluster node lost (its lease expired, or it is this node's own from before a restart), in
 * one transaction: take the claim over (the fence rises, so the old holder's writes and renewals are refused), end
 * the run as `crashOf` says with the new fence, create its resume (Pending: any worker claims it; the idempotency key
 * `resume:<old run>` keeps it single even if two nodes get here), and release the claim. A node that dies halfway
 * changes nothing (rollback); one that dies after commit leaves nothing to do.
 */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import { isTerminalRunState } from "../core/states.ts";
import {
  applyRunEvents, createRun, getRun, releaseClaim, takeOverClaim, type RunClaim, type Store,
} from "../store/index.ts";
import { crashOf } from "./crash.ts";

export interface Recovered {
  runId: string;
  /** What the run became: Crashed/Cancelled, or unchanged (it was Pending or had ended: the claim was only released). */
  end: "Crashed" | "Cancelled" | undefined;
  /** The resume (or retry) created. */
  next: { id: string; kind: "resume" | "retry" } | undefined;
}

export interface RecoverClaimInput {
  claim: RunClaim;
  /** The node doing it. */
  node: string;
  now: number;
  /** How long this node holds the run while ending it (if it dies meanwhile, the next reaper does it). */
  leaseMs: number;
  /** Only if the old lease expired by then (the reaper); `Number.MAX_SAFE_INTEGER` for a node's own runs at start. */
  expiredBy: number;
  /** Goes into the run's error and events. */
  why: string;
  /** The run's pipeline as its version declared it (undefined: this node cannot read it, so no follow-up). */
  spec: PipelineSpec | undefined;
}

/**
 * Returns what was done, or undefined when another node renewed, took or released the run first.
 * @example
 * const done = await recoverClaim(store, { claim, node, now, leaseMs: 30_000, expiredBy: now, why: "lease expired", spec });
 */
export async function recoverClaim(store: Store, c: RecoverClaimInput): Promise<Recovered | undefined> {
  const runId = c.claim.run.id;
  return store.sql.tx(async (sql) => {
    const db = { sql };
    const fence = await takeOverClaim(db, { runId, fence: c.claim.fence, node: c.node, now: c.now, leaseMs: c.leaseMs, expiredBy: c.expiredBy });
    if (fence === undefined) return undefined;
    const detail = await getRun(db, runId);
    const done: Recovered = { runId, end: undefined, next: undefined };
    if (detail && detail.state !== "Pending" && !isTerminalRunState(detail.state)) {
      const crash = crashOf(detail, c.why, c.spec, c.now);
      const { rejected } = await applyRunEvents(db, crash.events, { fences: new Map([[runId, fence]]) });
      const failed = rejected.find((r) => r.event.type === "run:transition");
      if (failed) throw new Error(`run ${runId}: cannot end it (${failed.reason}: ${failed.message})`);
      done.end = crash.end;
      if (crash.next) {
        const { kind, ...input } = crash.next;
        done.next = { id: (await createRun(db, input)).run.id, kind };
      }
    }
    await releaseClaim(db, runId, fence);
    return done;
  });
}
