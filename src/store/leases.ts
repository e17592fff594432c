/**
 * @module Named pool slots shared by the tasks of all runs, held as expiring leases in the database so that a
 * crash frees them (by run id when the run is marked Crashed, or by expiry).
 */
import { INT, TEXT, type Db } from "./sql.ts";
import type { LeaseRecord } from "./types.ts";

export interface AcquireLease {
  pool: string;
  /** Pool size. */
  limit: number;
  /** Unique per slot user, e.g. `${runId}/${task}`. */
  holder: string;
  runId: string | null;
  expiresAt: number;
  now: number;
}

const OWN = "SELECT pool, expires_at FROM leases WHERE holder = ?";
const RENEW = "UPDATE leases SET expires_at = ? WHERE holder = ?";
const DROP = "DELETE FROM leases WHERE holder = ?";
// Count and insert in one statement, in a transaction that holds the pool's lock: no other writer can slip in
// between (SQLite: the IMMEDIATE write lock; PostgreSQL: an advisory lock on the pool).
const ACQUIRE = `INSERT INTO leases (holder, pool, run_id, acquired_at, expires_at)
SELECT ${TEXT}, ${TEXT}, ${TEXT}, ${INT}, ${INT} WHERE (SELECT COUNT(*) FROM leases WHERE pool = ? AND expires_at > ?) < ?`;

/** Takes a slot in `pool` if fewer than `limit` unexpired leases hold it; a holder that already has one renews it. */
export async function tryAcquireLease(store: Db, a: AcquireLease): Promise<boolean> {
  return store.sql.tx(async (sql) => {
    await sql.lock(`pool:${a.pool}`);
    const own = (await sql.get(OWN, [a.holder])) as { pool: string; expires_at: number } | undefined;
    if (own && own.pool === a.pool && own.expires_at > a.now) {
      await sql.run(RENEW, [a.expiresAt, a.holder]);
      return true;
    }
    if (own) await sql.run(DROP, [a.holder]);
    return (await sql.run(ACQUIRE, [a.holder, a.pool, a.runId, a.now, a.expiresAt, a.pool, a.now, a.limit])) === 1;
  });
}

/** Frees one holder's slot; returns whether it held one. */
export async function releaseLease(store: Db, holder: string): Promise<boolean> {
  return (await store.sql.run(DROP, [holder])) === 1;
}

/** Frees every slot held by these runs (finished or crashed); returns how many. */
export async function releaseLeasesOfRuns(store: Db, runIds: readonly string[]): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const id of runIds) n += await sql.run("DELETE FROM leases WHERE run_id = ?", [id]);
    return n;
  });
}

/** Extends the leases of live runs (called with their heartbeat); returns how many. */
export async function extendLeasesOfRuns(store: Db, runIds: readonly string[], expiresAt: number): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const id of runIds) n += await sql.run("UPDATE leases SET expires_at = ? WHERE run_id = ?", [expiresAt, id]);
    return n;
  });
}

/**
 * The slots one execution of a run holds: their holders start with `prefix` (for a claimed run, one naming its claim's
 * fence), so a node that lost the run never touches those of the run's newer holder.
 */
export interface LeaseScope {
  runId: string;
  prefix: string;
}

const IN_SCOPE = `run_id = ? AND substr(holder, 1, length(${TEXT})) = ${TEXT}`;

/** Frees the slots of these executions (finished, crashed, or lost to another node); returns how many. */
export async function releaseLeasesOfScopes(store: Db, scopes: readonly LeaseScope[]): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const s of scopes) n += await sql.run(`DELETE FROM leases WHERE ${IN_SCOPE}`, [s.runId, s.prefix, s.prefix]);
    return n;
  });
}

/** Extends the slots of live executions (with their heartbeat); returns how many. */
export async function extendLeasesOfScopes(store: Db, scopes: readonly LeaseScope[], expiresAt: number): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const s of scopes) n += await sql.run(`UPDATE leases SET expires_at = ? WHERE ${IN_SCOPE}`, [expiresAt, s.runId, s.prefix, s.prefix]);
    return n;
  });
}

/** Frees the slots of every run `node` holds (a cluster node restarting); other nodes' leases are left to expire. */
export async function releaseLeasesOfNode(store: Db, node: string): Promise<number> {
  return await store.sql.run("DELETE FROM leases WHERE run_id IN (SELECT id FROM runs WHERE claimed_by = ?)", [node]);
}

/** Deletes leases that expired at or before `now`; returns how many. */
export async function pruneExpiredLeases(store: Db, now: number): Promise<number> {
  return await store.sql.run("DELETE FROM leases WHERE expires_at <= ?", [now]);
}

/** Unexpired leases (of one pool, or all), oldest first. */
export async function listLeases(store: Db, now: number, pool?: string): Promise<LeaseRecord[]> {
  const rows = (pool === undefined
    ? (await store.sql.all("SELECT * FROM leases WHERE expires_at > ? ORDER BY acquired_at, holder", [now]))
    : (await store.sql.all("SELECT * FROM leases WHERE pool = ? AND expires_at > ? ORDER BY acquired_at, holder", [pool, now]))
  ) as { holder: string; pool: string; run_id: string | null; acquired_at: number; expires_at: number }[];
  return rows.map((r) => ({
    holder: r.holder, pool: r.pool, runId: r.run_id, acquiredAt: r.acquired_at, expiresAt: r.expires_at,
  }));
}
