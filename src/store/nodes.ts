/**
 * @module Nodes of a cluster reporting themselves (role, host, pid, heartbeat, floe and schema versions), for
 * `floe cluster status` and for the schema check at start (no migration under older nodes still alive).
 */
import type { Db } from "./sql.ts";

export type NodeRole = "all" | "scheduler" | "worker" | "api";

export interface NodeRecord {
  id: string;
  role: NodeRole;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  /** floe's version on the node (null for nodes older than migration 8). */
  floeVersion?: string | null | undefined;
  /** The newest schema version the node's floe knows (null for nodes older than migration 8). */
  schemaVersion?: number | null | undefined;
}

/** A node whose last heartbeat is older than this is not alive (it beats every 5 s). */
export const NODE_ALIVE_MS = 30_000;

const BEAT = `INSERT INTO nodes (id, role, host, pid, started_at, heartbeat_at, floe_version, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET role = excluded.role, host = excluded.host, pid = excluded.pid,
  heartbeat_at = excluded.heartbeat_at, floe_version = excluded.floe_version, schema_version = excluded.schema_version`;

/** Records that the node is alive at `at` (inserting it the first time). */
export async function heartbeatNode(db: Db, n: NodeRecord): Promise<void> {
  await db.sql.run(BEAT, [n.id, n.role, n.host, n.pid, n.startedAt, n.heartbeatAt, n.floeVersion ?? null, n.schemaVersion ?? null]);
}

type NodeRow = {
  id: string; role: string; host: string; pid: number; started_at: number; heartbeat_at: number; floe_version: string | null; schema_version: number | null;
};
const toNode = (r: NodeRow): NodeRecord => ({
  id: r.id, role: r.role as NodeRole, host: r.host, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at,
  floeVersion: r.floe_version, schemaVersion: r.schema_version,
});

/** Every node that reported, most recent heartbeat first. */
export async function listNodes(db: Db): Promise<NodeRecord[]> {
  return (await db.sql.all<NodeRow>("SELECT * FROM nodes ORDER BY heartbeat_at DESC, id")).map(toNode);
}

/** One node's last report (a node starting checks that no live node already uses its id). */
export async function getNode(db: Db, id: string): Promise<NodeRecord | undefined> {
  const row = await db.sql.get<NodeRow>("SELECT * FROM nodes WHERE id = ?", [id]);
  return row ? toNode(row) : undefined;
}

/** Forgets a node that stopped (clean shutdown). */
export async function removeNode(db: Db, id: string): Promise<boolean> {
  return (await db.sql.run("DELETE FROM nodes WHERE id = ?", [id])) === 1;
}

const HELD = "SELECT COUNT(*) AS n FROM runs WHERE claimed_by = ? AND state IN ('Pending', 'Running', 'Cancelling')";
const RUNNING = "SELECT COUNT(*) AS n FROM runs WHERE node = ? AND state IN ('Running', 'Cancelling')";

/** Runs a node holds by claim (not ended) and runs it is running (its run processes), for its `/metrics`. */
export async function countNodeRuns(db: Db, node: string): Promise<{ held: number; running: number }> {
  const held = (await db.sql.get<{ n: number }>(HELD, [node]))!.n;
  const running = (await db.sql.get<{ n: number }>(RUNNING, [node]))!.n;
  return { held: Number(held), running: Number(running) };
}

/** The runs each node's processes execute now (`runs.node`), oldest first: for `floe cluster status`. */
export async function listRunningByNode(db: Db): Promise<{ node: string; runId: string }[]> {
  const rows = await db.sql.all<{ id: string; node: string }>(
    "SELECT id, node FROM runs WHERE node IS NOT NULL AND state IN ('Running', 'Cancelling') ORDER BY created_at, id",
  );
  return rows.map((r) => ({ node: r.node, runId: r.id }));
}
