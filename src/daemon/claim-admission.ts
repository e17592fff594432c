/**
 * @module Admission by claims (PostgreSQL, any number of worker nodes): this node claims Pending runs up to its free
 * slots with `FOR UPDATE SKIP LOCKED`, the cluster-wide limits (global `maxActiveRuns`, the pipeline's
 * `maxActiveRuns`, a schedule's overlap limit, a backfill's `maxActive`) checked under one advisory lock in the claim's
 * transaction, so two workers racing never exceed one. A new run wakes it at once (LISTEN), polling is the fallback.
 * Its heartbeat renews the leases: a lost lease kills the run's process, and the fence of each claim goes on every
 * write, so a node that lost a run can no longer change it. A cancel asked on another node is noticed by NOTIFY and by
 * the heartbeat's check of the runs held here.
 */
import {
  CANCELS_CHANNEL, claimRuns, heldRuns, isConnectionLost, listSchedules, releaseClaim, renewClaims, RUNS_CHANNEL, type RunRecord, type Store,
} from "../store/index.ts";
import { createDbGrace } from "./db-grace.ts";
import { withinLimits, type Admission, type AdmissionSlots } from "./admission.ts";
import { notBeforeOf } from "./follow-up.ts";
import type { DaemonLogger } from "./logger.ts";
import type { RunVersions } from "./run-versions.ts";

export interface ClaimAdmissionDeps {
  store: Store;
  /** This node's id (nodes table), recorded as the claim's holder. */
  node: string;
  /** How many runs this node executes at once. */
  slots(): number;
  /** Runs active in the whole cluster at most (`concurrency.maxActiveRuns`). */
  maxActiveRuns(): number;
  versions: RunVersions;
  /** A claim lasts this long unless the heartbeat renews it (every third of it). */
  leaseMs: number;
  /** How long runs keep going while the database is unreachable (FLOE_DB_GRACE_MS; never past their leases). */
  graceMs: number;
  /** Claims are tried this often without a wake-up (a lost LISTEN connection, a retry's delay). */
  pollMs: number;
  log: DaemonLogger;
  now(): number;
  /** Told of each heartbeat's renewals (`held`) and of leases lost, with their count (node metrics). */
  onLease?: ((held: boolean, n: number) => void) | undefined;
}

/** A schedule's own limit from its stored policy: its `maxActiveRuns`, 1 unless `overlap: "allow"`. */
function scheduleLimitOf(policy: unknown): number | undefined {
  const p = (policy ?? {}) as { maxActiveRuns?: unknown; overlap?: unknown };
  if (typeof p.maxActiveRuns === "number") return p.maxActiveRuns;
  return p.overlap === "allow" ? undefined : 1;
}

/**
 * The ids among `candidates` (oldest first) that may start now next to `active` (every run active in the cluster):
 * at most `free`, the cluster under `maxActiveRuns`, each within its pipeline's, backfill's or schedule's limit.
 * @example
 * claimRuns(store, { node, limit, now, leaseMs, admit: (c, a) => pickAdmissible(c, a, { free: limit, maxActiveRuns: 8, now, pipelineLimit, scheduleLimit }) });
 */
export function pickAdmissible(candidates: readonly RunRecord[], active: readonly RunRecord[], o: {
  free: number; maxActiveRuns: number; now: number;
  pipelineLimit(run: RunRecord): number | undefined; scheduleLimit(scheduleId: string): number | undefined;
}): string[] {
  const running = [...active];
  const picked: string[] = [];
  for (const run of candidates) {
    if (picked.length >= o.free || running.length >= o.maxActiveRuns) break;
    const notBefore = notBeforeOf(run);
    if (notBefore !== undefined && notBefore > o.now) continue;
    const scheduleLimit = run.scheduleId ? o.scheduleLimit(run.scheduleId) : undefined;
    if (!withinLimits(run, running, o.pipelineLimit(run), scheduleLimit)) continue;
    picked.push(run.id);
    running.push(run);
  }
  return picked;
}

export async function createClaimAdmission(deps: ClaimAdmissionDeps, slots: AdmissionSlots): Promise<Admission> {
  const { store, log } = deps;
  const fences = new Map<string, number>();
  const lost = new Set<string>();
  const stopping = new Set<string>();
  /** When each held run's lease expires, as last granted (claim or renewal). */
  const expiries = new Map<string, number>();
  let scheduleLimits = new Map<string, number | undefined>();
  let schedulesReadAt = Number.NEGATIVE_INFINITY;
  let busy = false;
  let again = false;
  let closed = false;
  /** Wake-ups claim only once the run manager dispatched (it has a supervisor and is not held). */
  let armed = false;
  const report = (what: string) => (e: unknown): void => log.error(what, (e as Error)?.message ?? String(e));

  /** The runs among `candidates` that may start now next to `active` (the cluster's), oldest first. */
  async function admit(candidates: readonly RunRecord[], active: readonly RunRecord[], free: number, now: number): Promise<string[]> {
    const limits = new Map<string, number | undefined>();
    for (const run of candidates) {
      const key = `${run.pipeline}@${run.version}`;
      // a version that cannot be had is admitted: starting it fails the run with the reason
      if (!limits.has(key)) limits.set(key, (await deps.versions.fetch(run.pipeline, run.version).catch(() => undefined))?.spec.maxActiveRuns);
    }
    return pickAdmissible(candidates, active, {
      free, maxActiveRuns: deps.maxActiveRuns(), now,
      pipelineLimit: (run) => limits.get(`${run.pipeline}@${run.version}`),
      scheduleLimit: (id) => scheduleLimits.get(id),
    });
  }

  /** Claims what this node may start now; the number claimed. */
  async function claimOnce(): Promise<number> {
    const free = deps.slots() - slots.active().length;
    if (free <= 0 || closed) return 0;
    const now = deps.now();
    if (now - schedulesReadAt > 5_000) {
      scheduleLimits = new Map((await listSchedules(store)).map((s) => [s.id, scheduleLimitOf(s.policy)]));
      schedulesReadAt = now;
    }
    const claims = await claimRuns(store, {
      node: deps.node, limit: free, now, leaseMs: deps.leaseMs, admit: (c, a) => admit(c, a, free, now),
    });
    grace.reachable();
    for (const c of claims) {
      fences.set(c.run.id, c.fence); // before the start, so the run's first write already carries it
      expiries.set(c.run.id, c.leaseExpiresAt);
      slots.start(c.run, c.fence);
    }
    return claims.length;
  }

  function wake(): void {
    if (closed || !armed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    void (async () => {
      do {
        again = false;
        try {
          while ((await claimOnce()) > 0);
        } catch (error) {
          if (isConnectionLost(error)) grace.unreachable(error);
          report("run:claim")(error);
        }
      } while (again && !closed);
      busy = false;
    })();
  }

  /** Runs held here that were asked to stop elsewhere: cancel their processes (once each). */
  async function checkHeld(): Promise<void> {
    for (const h of await heldRuns(store, deps.node)) {
      if ((h.state !== "Cancelling" && h.state !== "Cancelled") || stopping.has(h.runId) || !fences.has(h.runId)) continue;
      stopping.add(h.runId);
      slots.stopRequested(h.runId, "cancelled on request");
    }
  }

  /** Stops holding a run here without releasing its claim: its lease is no longer renewed. */
  function forget(runId: string): void {
    fences.delete(runId);
    expiries.delete(runId);
    lost.delete(runId);
    stopping.delete(runId);
  }

  let renewing = false;
  async function renew(): Promise<void> {
    const mine = [...fences].filter(([id]) => !lost.has(id)).map(([runId, fence]) => ({ runId, fence }));
    if (mine.length === 0 || renewing) return; // one renewal at a time: a hung one must not pile up connections
    const until = deps.now() + deps.leaseMs;
    let gone: string[];
    renewing = true;
    try {
      gone = await renewClaims(store, deps.node, mine, until);
    } catch (error) {
      if (isConnectionLost(error)) grace.unreachable(error);
      throw error;
    } finally {
      renewing = false;
    }
    grace.reachable();
    for (const { runId } of mine) expiries.set(runId, until);
    if (mine.length > gone.length) deps.onLease?.(true, mine.length - gone.length);
    if (gone.length > 0) deps.onLease?.(false, gone.length);
    for (const runId of gone) {
      lost.add(runId); // its fence stays in `fences`: whatever the process still says is refused
      slots.lost(runId, `its lease was lost (fence ${fences.get(runId)} is no longer current): another node holds this run`);
    }
    await checkHeld();
  }

  const marginMs = Math.min(5_000, Math.floor(deps.leaseMs / 3));
  // the database lost: runs go on for the grace, then stop before their leases can expire (another node resumes them)
  const grace = createDbGrace({
    graceMs: deps.graceMs, marginMs, now: deps.now, log,
    leasesUntil: () => Math.min(...[...expiries].filter(([id]) => !lost.has(id)).map(([, at]) => at)),
    renew: () => renew().then(() => true),
    expire(why) {
      for (const runId of fences.keys()) {
        if (lost.has(runId)) continue;
        lost.add(runId); // not released: its lease expires and the reaper ends and resumes it
        slots.lost(runId, why);
      }
    },
  });

  const unlisten = await Promise.all([
    store.listen(RUNS_CHANNEL, wake),
    store.listen(CANCELS_CHANNEL, () => void checkHeld().catch(report("run:cancel"))),
  ]);
  const poll = setInterval(wake, deps.pollMs);
  poll.unref();
  const heartbeat = setInterval(() => void renew().catch(report("run:lease")), Math.max(50, Math.floor(deps.leaseMs / 3)));
  heartbeat.unref();
  // A renewal that neither answers nor fails (a cut link drops packets: no error for minutes) must not let a run
  // outlive its lease: one about to end unrenewed is stopped here, whatever the database calls are doing.
  const watchdog = setInterval(() => {
    const now = deps.now();
    for (const [runId, at] of expiries) {
      if (lost.has(runId) || at - marginMs > now) continue;
      lost.add(runId); // not released: the lease expires and the reaper ends and resumes the run
      slots.lost(runId, `its lease ends at ${new Date(at).toISOString()} and could not be renewed (the database did not answer)`);
    }
  }, Math.max(50, Math.min(1_000, Math.floor(marginMs / 3))));
  watchdog.unref();

  return {
    add: () => undefined, // the database is the queue: a new run is found by the next claim
    dispatch() {
      armed = true;
      wake();
    },
    remove: () => false,
    pending: () => [],
    fences,
    async release(runId) {
      const fence = fences.get(runId);
      if (fence === undefined) return;
      try {
        if (!lost.has(runId)) await releaseClaim(store, runId, fence);
      } finally {
        fences.delete(runId);
        expiries.delete(runId);
        lost.delete(runId);
        stopping.delete(runId);
      }
    },
    // not released: the database may be what failed; unrenewed, the lease expires (then the run is claimed again,
    // or, had it started, the reaper ends it)
    giveUp: (run) => forget(run.id),
    lapse: forget,
    hold() {
      closed = true;
      clearInterval(poll);
    },
    async close() {
      closed = true;
      grace.close();
      clearInterval(poll);
      clearInterval(heartbeat);
      clearInterval(watchdog);
      for (const off of unlisten) await off().catch(() => undefined);
    },
  };
}
