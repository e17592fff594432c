/**
 * @module Claims of Pending runs by worker nodes: a claim takes runs nobody holds (or whose lease expired) with
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers never wait on or take each other's rows (SQLite's
 * writers are serialised anyway), and bumps each run's fence. A worker renews its leases with its heartbeat and
 * writes with its fences (`applyRunEvents(..., { fences })`): once another node claimed the run, those writes are
 * refused.
 */
import { TEXT, type Db, type Dialect } from "./sql.ts";
import { toRun, type RunRow } from "./rows.ts";
import type { RunRecord } from "./types.ts";

export interface RunClaim {
  run: RunRecord;
  /** Carried on every write this node makes to the run. */
  fence: number;
  leaseExpiresAt: number;
}

export interface ClaimRunsInput {
  /** The claiming node's id. */
  node: string;
  /** At most this many runs (the node's free slots). */
  limit: number;
  now: number;
  leaseMs: number;
  /**
   * Cluster-wide limits, checked under one advisory lock so two nodes claiming at once never exceed them: given
   * the oldest claimable runs (up to `window`) and every run active in the cluster, the ids that may start now.
   */
  admit?: ((candidates: readonly RunRecord[], active: readonly RunRecord[]) => readonly string[] | Promise<readonly string[]>) | undefined;
  /** How many of the oldest claimable runs `admit` looks at (default 4 x limit + 16). */
  window?: number | undefined;
}

/**
 * The one claim statement of a queue table (`runs`, `task_jobs`): up to `?` rows that are `ready` and held by
 * nobody (or whose lease expired), oldest first, taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL; each gets the
 * claimer, a lease and a bumped fence. Arguments: node, lease expiry, now, limit.
 */
export function claimStatement(table: string, ready: string, set = ""): Record<Dialect, string> {
  const sql = (skipLocked: string): string => `UPDATE ${table} SET claimed_by = ?, fence = fence + 1, lease_expires_at = ?${set}
WHERE id IN (
  SELECT id FROM ${table} WHERE ${ready} AND (claimed_by IS NULL OR lease_expires_at <= ?)
  ORDER BY created_at, id LIMIT ?${skipLocked}
)
RETURNING *`;
  return { sqlite: sql(""), postgres: sql(" FOR UPDATE SKIP LOCKED") };
}
const CLAIM = claimStatement("runs", "state = 'Pending'");

type ClaimRow = RunRow & { fence: number; lease_expires_at: number };

const CANDIDATES = (skipLocked: string): string => `SELECT * FROM runs
WHERE state = 'Pending' AND (claimed_by IS NULL OR lease_expires_at <= ?) ORDER BY created_at, id LIMIT ?${skipLocked}`;
const CANDIDATES_SQL = { sqlite: CANDIDATES(""), postgres: CANDIDATES(" FOR UPDATE SKIP LOCKED") };
// A claimed run counts as active before its process moves it to Running; an expired claim does not.
const ACTIVE = `SELECT * FROM runs WHERE state IN ('Running', 'Cancelling')
  OR (state = 'Pending' AND claimed_by IS NOT NULL AND lease_expires_at > ?)`;
const CLAIM_IDS = (n: number): string => `UPDATE runs SET claimed_by = ?, fence = fence + 1, lease_expires_at = ?
WHERE state = 'Pending' AND id IN (${"?, ".repeat(n - 1)}?) RETURNING *`;

/**
 * Claims up to `limit` Pending runs, oldest first.
 * @example
 * for (const { run, fence } of await claimRuns(store, { node: "worker-1", limit: 4, now: Date.now(), leaseMs: 30_000 })) start(run, fence);
 */
export async function claimRuns(db: Db, c: ClaimRunsInput): Promise<RunClaim[]> {
  if (c.limit <= 0) return [];
  const rows = c.admit ? await claimAdmitted(db, c, c.admit) : await db.sql.all<ClaimRow>(CLAIM[db.sql.dialect], [c.node, c.now + c.leaseMs, c.now, c.limit]);
  return rows
    .map((r) => ({ run: toRun(r), fence: r.fence, leaseExpiresAt: r.lease_expires_at }))
    .sort((a, b) => a.run.createdAt - b.run.createdAt || (a.run.id < b.run.id ? -1 : 1));
}

/** Check and claim in one transaction under one lock: the counts `admit` saw are still true when the claim commits. */
async function claimAdmitted(db: Db, c: ClaimRunsInput, admit: NonNullable<ClaimRunsInput["admit"]>): Promise<ClaimRow[]> {
  return db.sql.tx(async (sql) => {
    await sql.lock("floe:claims");
    const candidates = await sql.all<RunRow>(CANDIDATES_SQL[sql.dialect], [c.now, c.window ?? c.limit * 4 + 16]);
    if (candidates.length === 0) return [];
    const active = await sql.all<RunRow>(ACTIVE, [c.now]);
    const ids = (await admit(candidates.map(toRun), active.map(toRun))).slice(0, c.limit);
    if (ids.length === 0) return [];
    return sql.all<ClaimRow>(CLAIM_IDS(ids.length), [c.node, c.now + c.leaseMs, ...ids]);
  });
}

/** The channel a cancel request is announced on (PostgreSQL NOTIFY): the node holding the run stops it. */
export const CANCELS_CHANNEL = "floe_cancels";

/** Wakes every node's check of the runs it holds (a run was asked to stop); nothing on SQLite (one node). */
export async function announceCancel(db: Db): Promise<void> {
  if (db.sql.dialect === "postgres") await db.sql.run(`SELECT pg_notify('${CANCELS_CHANNEL}', '')`);
}

/** The channel the end of a run is announced on (PostgreSQL NOTIFY): a parent waiting on another node hears it. */
export const RUN_ENDS_CHANNEL = "floe_run_ends";

/**
 * Tells the other nodes that `runId` ended on `node` (child runs' parents, `onRunEnd` triggers); the payload is
 * `<node> <runId>`. Nothing on SQLite (one node).
 */
export async function announceRunEnd(db: Db, runId: string, node: string): Promise<void> {
  if (db.sql.dialect === "postgres") await db.sql.run(`SELECT pg_notify('${RUN_ENDS_CHANNEL}', ${TEXT})`, [`${node} ${runId}`]);
}

/** The node and run of a run-end notification (`announceRunEnd`), or undefined for any other text. */
export function parseRunEnd(payload: string): { node: string; runId: string } | undefined {
  const [node, runId, ...rest] = payload.split(" ");
  return node && runId && rest.length === 0 ? { node, runId } : undefined;
}

/** The state of every run `node` holds now (its heartbeat checks them for cancels and ends decided elsewhere). */
export async function heldRuns(db: Db, node: string): Promise<{ runId: string; state: string; fence: number }[]> {
  const rows = await db.sql.all<{ id: string; state: string; fence: number }>("SELECT id, state, fence FROM runs WHERE claimed_by = ?", [node]);
  return rows.map((r) => ({ runId: r.id, state: r.state, fence: Number(r.fence) }));
}

/** Extends this node's leases on rows of a queue table; returns the ids it no longer holds (their work must stop). */
export async function renewLeases(
  db: Db, table: string, node: string, claims: readonly { id: string; fence: number }[], expiresAt: number,
): Promise<string[]> {
  if (claims.length === 0) return [];
  const renew = `UPDATE ${table} SET lease_expires_at = ? WHERE id = ? AND claimed_by = ? AND fence = ?`;
  return db.sql.tx(async (sql) => {
    const lost: string[] = [];
    for (const c of claims) if ((await sql.run(renew, [expiresAt, c.id, node, c.fence])) === 0) lost.push(c.id);
    return lost;
  });
}

/** Extends this node's leases; returns the ids of the runs it no longer holds (their process must stop). */
export function renewClaims(
  db: Db, node: string, claims: readonly { runId: string; fence: number }[], expiresAt: number,
): Promise<string[]> {
  return renewLeases(db, "runs", node, claims.map((c) => ({ id: c.runId, fence: c.fence })), expiresAt);
}

/** Gives a run back (its process ended or never started); false when the fence moved on. */
export async function releaseClaim(db: Db, runId: string, fence: number): Promise<boolean> {
  const sql = "UPDATE runs SET claimed_by = NULL, lease_expires_at = NULL WHERE id = ? AND fence = ?";
  return (await db.sql.run(sql, [runId, fence])) === 1;
}

/** Runs held under leases that expired at or before `now` (their node is gone or cut off), with that node. */
export async function listExpiredClaims(db: Db, now: number): Promise<(RunClaim & { node: string })[]> {
  const rows = await db.sql.all<ClaimRow & { claimed_by: string }>(
    "SELECT * FROM runs WHERE claimed_by IS NOT NULL AND lease_expires_at <= ? ORDER BY created_at, id", [now],
  );
  return rows.map((r) => ({ run: toRun(r), node: r.claimed_by, fence: r.fence, leaseExpiresAt: r.lease_expires_at }));
}

const TAKE_OVER = `UPDATE runs SET claimed_by = ?, fence = fence + 1, lease_expires_at = ?
WHERE id = ? AND fence = ? AND lease_expires_at <= ?`;

export interface TakeOver {
  runId: string;
  /** The fence the caller saw (from `listExpiredClaims` or `listClaimsOf`): nothing happens if it moved on. */
  fence: number;
  /** The node taking it over (to end it): it holds the run until `now + leaseMs`, so if it dies too, the next one does. */
  node: string;
  now: number;
  leaseMs: number;
  /** Only while the old lease has expired by then (the reaper); `Number.MAX_SAFE_INTEGER` for a node's own runs at start. */
  expiredBy: number;
}

/**
 * Takes a run from a node that lost it, bumping the fence so the old holder's writes and renewals are refused.
 * Returns the new fence, or undefined when the run was renewed, taken or released meanwhile.
 * @example
 * const fence = await takeOverClaim(store, { runId, fence, node: "s1", now, leaseMs: 30_000, expiredBy: now });
 */
export async function takeOverClaim(db: Db, t: TakeOver): Promise<number | undefined> {
  const changed = await db.sql.run(TAKE_OVER, [t.node, t.now + t.leaseMs, t.runId, t.fence, t.expiredBy]);
  return changed === 1 ? t.fence + 1 : undefined;
}

/** Every run `node` holds (any state), oldest first: what a restarted node left behind. */
export async function listClaimsOf(db: Db, node: string): Promise<RunClaim[]> {
  const rows = await db.sql.all<ClaimRow>("SELECT * FROM runs WHERE claimed_by = ? ORDER BY created_at, id", [node]);
  return rows.map((r) => ({ run: toRun(r), fence: r.fence, leaseExpiresAt: r.lease_expires_at }));
}

/** Every run a node holds now (not ended), oldest first: for `floe cluster status`. */
export async function listClaims(db: Db): Promise<(RunClaim & { node: string })[]> {
  const rows = await db.sql.all<ClaimRow & { claimed_by: string }>(
    `SELECT * FROM runs WHERE claimed_by IS NOT NULL AND state IN ('Pending', 'Running', 'Cancelling') ORDER BY created_at, id`,
  );
  return rows.map((r) => ({ run: toRun(r), node: r.claimed_by, fence: r.fence, leaseExpiresAt: r.lease_expires_at }));
}
