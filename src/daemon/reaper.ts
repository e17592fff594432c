/**
 * @module The lease-expiry reaper, a leader-only duty any node of a cluster may take (its own leadership, `reaper`;
 * it needs only the database, so a cluster of api and worker nodes without a scheduler still has one): every
 * `everyMs` it finds runs whose claim lease expired (their worker died or was cut off) and ends each in one
 * transaction (recover-claim.ts): Crashed, the fence bumped so the old holder can no longer write, and with
 * `resume: true` a new Pending run that any worker claims, reusing the completed tasks.
 */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import { listExpiredClaims, type RunRecord, type Store } from "../store/index.ts";
import type { LeaderDuty } from "./leader-loop.ts";
import type { DaemonLogger } from "./logger.ts";
import { recoverClaim, type Recovered } from "./recover-claim.ts";

export interface LeaseReaper extends LeaderDuty {
  /** One pass now (also what each tick does); returns what it did. */
  sweep(): Promise<Recovered[]>;
}

export interface LeaseReaperDeps {
  store: Store;
  /** This node's id: it holds a run while ending it. */
  node: string;
  everyMs: number;
  /** How long it holds a run it is ending. */
  leaseMs: number;
  /** The pipeline spec of a run's version, or undefined when this node cannot read it. */
  specOf(run: RunRecord): PipelineSpec | undefined | Promise<PipelineSpec | undefined>;
  now(): number;
  log: DaemonLogger;
}

/**
 * @example
 * const reaper = createLeaseReaper({ store, node, everyMs: 2_000, leaseMs: 30_000, specOf, now: Date.now, log });
 * startLeaderLoop({ store, name: "reaper", holder: node, ttlMs: 15_000, duty: reaper, now: Date.now, log });
 */
export function createLeaseReaper(deps: LeaseReaperDeps): LeaseReaper {
  const { log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Recovered[]> | undefined;

  const pass = async (): Promise<Recovered[]> => {
    const done: Recovered[] = [];
    const now = deps.now();
    for (const claim of await listExpiredClaims(deps.store, now)) {
      const { run } = claim;
      const why = `node ${claim.node} lost this run: its lease expired at ${new Date(claim.leaseExpiresAt).toISOString()} (the node died or was cut off)`;
      const spec = run.state === "Running" ? await deps.specOf(run) : undefined;
      const r = await recoverClaim(deps.store, { claim, node: deps.node, now, leaseMs: deps.leaseMs, expiredBy: now, why, spec });
      if (!r) continue;
      done.push(r);
      if (r.end) log.warn("run:crashed", `${run.id}: ${why}: ${r.end}`, { runId: run.id, node: claim.node });
      if (r.next) log.info(`run:${r.next.kind}`, `${run.id} ${r.next.kind === "resume" ? "resumed" : "retried"} as ${r.next.id} (completed tasks reused)`, { runId: r.next.id, retryOf: run.id });
      if (run.state === "Running" && !spec) log.warn("run:resume", `${run.id}: version ${run.version} of ${run.pipeline} is not readable on this node: no resume or retry`, { runId: run.id });
    }
    return done;
  };
  const sweep = (): Promise<Recovered[]> =>
    (running ??= pass().finally(() => {
      running = undefined;
    }));
  const tick = (): void => {
    sweep().catch((e: unknown) => log.error("reaper:error", (e as Error)?.message ?? String(e)));
  };
  return {
    sweep,
    start() {
      if (timer) return;
      timer = setInterval(tick, deps.everyMs);
      timer.unref();
      tick();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
