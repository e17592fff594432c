/**
 * @module Named pool slots shared by the tasks of all runs, held as expiring leases in the database so that a
 * crash frees them (by run id when the run is marked Crashed, or by expiry).
 */
import type { Store } from "./open-store.ts";
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
// Count and insert in one statement, inside an IMMEDIATE transaction: no other writer can slip in between.
const ACQUIRE = `INSERT INTO leases (holder, pool, run_id, acquired_at, expires_at)
SELECT ?, ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM leases WHERE pool = ? AND expires_at > ?) < ?`;

/** Takes a slot in `pool` if fewer than `limit` unexpired leases hold it; a holder that already has one renews it. */
export function tryAcquireLease(store: Store, a: AcquireLease): boolean {
  const { sql } = store;
  return sql.tx(() => {
    const own = sql.stmt(OWN).get(a.holder) as { pool: string; expires_at: number } | undefined;
    if (own && own.pool === a.pool && own.expires_at > a.now) {
      sql.stmt(RENEW).run(a.expiresAt, a.holder);
      return true;
    }
    if (own) sql.stmt(DROP).run(a.holder);
    const info = sql.stmt(ACQUIRE).run(a.holder, a.pool, a.runId, a.now, a.expiresAt, a.pool, a.now, a.limit);
    return info.changes === 1;
  });
}

/** Frees one holder's slot; returns whether it held one. */
export function releaseLease(store: Store, holder: string): boolean {
  return store.sql.stmt(DROP).run(holder).changes === 1;
}

/** Frees every slot held by these runs (finished or crashed); returns how many. */
export function releaseLeasesOfRuns(store: Store, runIds: readonly string[]): number {
  const { sql } = store;
  return sql.tx(() => {
    let n = 0;
    for (const id of runIds) n += sql.stmt("DELETE FROM leases WHERE run_id = ?").run(id).changes;
    return n;
  });
}

/** Extends the leases of live runs (called with their heartbeat); returns how many. */
export function extendLeasesOfRuns(store: Store, runIds: readonly string[], expiresAt: number): number {
  const { sql } = store;
  return sql.tx(() => {
    let n = 0;
    for (const id of runIds) n += sql.stmt("UPDATE leases SET expires_at = ? WHERE run_id = ?").run(expiresAt, id).changes;
    return n;
  });
}

/** Deletes leases that expired at or before `now`; returns how many. */
export function pruneExpiredLeases(store: Store, now: number): number {
  return store.sql.stmt("DELETE FROM leases WHERE expires_at <= ?").run(now).changes;
}

/** Unexpired leases (of one pool, or all), oldest first. */
export function listLeases(store: Store, now: number, pool?: string): LeaseRecord[] {
  const rows = (pool === undefined
    ? store.sql.stmt("SELECT * FROM leases WHERE expires_at > ? ORDER BY acquired_at, holder").all(now)
    : store.sql.stmt("SELECT * FROM leases WHERE pool = ? AND expires_at > ? ORDER BY acquired_at, holder").all(pool, now)
  ) as { holder: string; pool: string; run_id: string | null; acquired_at: number; expires_at: number }[];
  return rows.map((r) => ({
    holder: r.holder, pool: r.pool, runId: r.run_id, acquiredAt: r.acquired_at, expiresAt: r.expires_at,
  }));
}
