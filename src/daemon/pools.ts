/**
 * @module Named pools across runs, daemon side: a task's request (over IPC) takes a lease in the database when
 * the pool has room, else waits in a FIFO queue. Leases carry the run id, so a crashed run's slots are freed with
 * its run, and they expire if the daemon itself dies (the next daemon prunes them at start). A claimed run's holders
 * name its claim's fence (`<run>@<fence>#<request>`): a node that lost the run frees and extends only its own, never
 * those of the node that holds the run now. Operations run one at a time, in call order, so a queue never sees two
 * database writes of its own interleave.
 */
import { extendLeasesOfScopes, releaseLease, releaseLeasesOfScopes, tryAcquireLease, type LeaseScope, type Store } from "../store/index.ts";

export interface PoolManager {
  acquire(runId: string, id: number, pool: string, grant: () => void): Promise<void>;
  abandon(runId: string, id: number): void;
  release(runId: string, id: number): Promise<void>;
  /** Frees everything a finished or crashed run held or waited for. */
  releaseRun(runId: string): Promise<void>;
  /** Keeps the leases of live runs from expiring (called with heartbeats). */
  extend(runIds: readonly string[]): Promise<void>;
}

interface Waiter {
  runId: string;
  id: number;
  grant: () => void;
}

export function createPoolManager(deps: {
  store: Store; limits: () => Readonly<Record<string, number>>; ttlMs: number; now: () => number;
  /** The fence of this node's claim of a run (PostgreSQL), undefined when unclaimed (SQLite). */
  fenceOf?: ((runId: string) => number | undefined) | undefined;
}): PoolManager {
  const queues = new Map<string, Waiter[]>();
  const held = new Map<string, string>(); // holder -> pool
  const scope = (runId: string): LeaseScope => {
    const fence = deps.fenceOf?.(runId);
    return { runId, prefix: fence === undefined ? `${runId}#` : `${runId}@${fence}#` };
  };
  const holder = (runId: string, id: number): string => `${scope(runId).prefix}${id}`;
  let turn: Promise<unknown> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => {
    const done = turn.then(fn);
    turn = done.catch(() => undefined);
    return done;
  };

  const take = async (w: Waiter, pool: string, limit: number): Promise<boolean> => {
    const now = deps.now();
    const ok = await tryAcquireLease(deps.store, { pool, limit, holder: holder(w.runId, w.id), runId: w.runId, expiresAt: now + deps.ttlMs, now });
    if (ok) {
      held.set(holder(w.runId, w.id), pool);
      w.grant();
    }
    return ok;
  };

  const pump = async (pool: string): Promise<void> => {
    const queue = queues.get(pool);
    const limit = deps.limits()[pool];
    while (queue && queue.length > 0) {
      if (limit === undefined) {
        queue.shift()!.grant();
        continue;
      }
      if (!(await take(queue[0]!, pool, limit))) break;
      queue.shift();
    }
  };

  return {
    acquire(runId, id, pool, grant) {
      const limit = deps.limits()[pool];
      if (limit === undefined) {
        grant(); // not a configured pool: unlimited
        return Promise.resolve();
      }
      const queue = queues.get(pool) ?? [];
      queues.set(pool, queue);
      const w = { runId, id, grant };
      // Queued at once, so a later request cannot overtake it while the database answers.
      queue.push(w);
      return serial(() => pump(pool));
    },
    abandon(runId, id) {
      for (const queue of queues.values()) {
        const i = queue.findIndex((w) => w.runId === runId && w.id === id);
        if (i >= 0) queue.splice(i, 1);
      }
    },
    release(runId, id) {
      const h = holder(runId, id);
      const pool = held.get(h);
      held.delete(h);
      return serial(async () => {
        await releaseLease(deps.store, h);
        if (pool) await pump(pool);
      });
    },
    releaseRun(runId) {
      for (const queue of queues.values()) {
        for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.runId === runId) queue.splice(i, 1);
      }
      const mine = scope(runId); // taken now: the claim (and its fence) is given back once this is done
      for (const h of [...held.keys()]) if (h.startsWith(mine.prefix)) held.delete(h);
      return serial(async () => {
        await releaseLeasesOfScopes(deps.store, [mine]);
        for (const pool of queues.keys()) await pump(pool);
      });
    },
    extend(runIds) {
      if (runIds.length === 0) return Promise.resolve();
      const scopes = runIds.map(scope);
      return serial(async () => {
        await extendLeasesOfScopes(deps.store, scopes, deps.now() + deps.ttlMs);
      });
    },
  };
}
