/**
 * @module `floe cluster status [--json]`: what the nodes sharing this state database are doing: each node's role,
 * floe and schema versions, last heartbeat, the runs it holds (claims) and the runs it is running, the scheduler leader, the queue depth, and the
 * leases (run claims, leaderships, pools).
 * Read-only; the database is named without its password.
 */
import {
  countRunsInStates, getLeadership, listClaims, listLeaderships, listLeases, listNodes, listRunningByNode, type Store,
} from "../store/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, UsageError, type Command } from "./command.ts";
import { openStateIfAny } from "./open-state.ts";

/** A node whose heartbeat is older than this is shown as silent. */
const SILENT_AFTER_MS = 30_000;

export interface ClusterStatus {
  database: string;
  nodes: {
    id: string; role: string; host: string; pid: number; startedAt: string; heartbeatAt: string; alive: boolean;
    /** floe's version on the node, as it registered at start (null for a node older than schema version 8). */
    floeVersion: string | null;
    /** The newest schema version the node's floe knows (null likewise). */
    schemaVersion: number | null;
    /** Runs it holds by claim (not ended). */
    runs: string[];
    /** Runs its run processes execute now. */
    running: string[];
  }[];
  scheduler: { leader: string | null; fence: number | null; expiresAt: string | null };
  queue: { pending: number; running: number };
  leases: {
    runs: { runId: string; node: string; fence: number; expiresAt: string }[];
    /** One lease per leader-only duty (the scheduler's), expired or not. */
    leaders: { name: string; holder: string; fence: number; expiresAt: string; live: boolean }[];
    pools: { pool: string; holder: string; runId: string | null; expiresAt: string }[];
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The status document (`--json` prints it as is). */
export async function clusterStatus(store: Store, now: number): Promise<ClusterStatus> {
  const [nodes, claims, leader, pending, running, pools, leaders, executing] = [
    await listNodes(store), await listClaims(store), await getLeadership(store, "scheduler"),
    await countRunsInStates(store, ["Pending"]), await countRunsInStates(store, ["Running", "Cancelling"]),
    await listLeases(store, now), await listLeaderships(store), await listRunningByNode(store),
  ];
  const live = leader !== undefined && leader.expiresAt > now;
  return {
    database: store.path,
    nodes: nodes.map((n) => ({
      id: n.id, role: n.role, host: n.host, pid: n.pid, startedAt: iso(n.startedAt), heartbeatAt: iso(n.heartbeatAt),
      floeVersion: n.floeVersion ?? null, schemaVersion: n.schemaVersion === null || n.schemaVersion === undefined ? null : Number(n.schemaVersion),
      alive: now - n.heartbeatAt < SILENT_AFTER_MS, runs: claims.filter((c) => c.node === n.id).map((c) => c.run.id),
      running: executing.filter((r) => r.node === n.id).map((r) => r.runId),
    })),
    scheduler: { leader: live ? leader.holder : null, fence: live ? leader.fence : null, expiresAt: live ? iso(leader.expiresAt) : null },
    queue: { pending, running },
    leases: {
      runs: claims.map((c) => ({ runId: c.run.id, node: c.node, fence: c.fence, expiresAt: iso(c.leaseExpiresAt) })),
      leaders: leaders.map((l) => ({ name: l.name, holder: l.holder, fence: l.fence, expiresAt: iso(l.expiresAt), live: l.expiresAt > now })),
      pools: pools.map((l) => ({ pool: l.pool, holder: l.holder, runId: l.runId, expiresAt: iso(l.expiresAt) })),
    },
  };
}

function text(s: ClusterStatus): string {
  const lines = [`database  ${s.database}`, `scheduler ${s.scheduler.leader ? `${s.scheduler.leader} (fence ${s.scheduler.fence}, lease until ${s.scheduler.expiresAt})` : "no leader"}`,
    `queue     ${s.queue.pending} pending, ${s.queue.running} running`, "", "NODE                 ROLE       HOST             PID      FLOE       SCHEMA LAST HEARTBEAT            HELD RUNNING"];
  if (s.nodes.length === 0) lines.push("(no node has reported)");
  for (const n of s.nodes) {
    const versions = `${(n.floeVersion ?? "?").padEnd(10)} ${String(n.schemaVersion ?? "?").padEnd(6)}`;
    lines.push(`${n.id.padEnd(20)} ${n.role.padEnd(10)} ${n.host.padEnd(16)} ${String(n.pid).padEnd(8)} ${versions} ${n.heartbeatAt}${n.alive ? " " : "!"} ${String(n.runs.length).padEnd(4)} ${n.running.length}`);
  }
  lines.push("", `leases    ${s.leases.runs.length} run claim(s), ${s.leases.leaders.length} leadership(s), ${s.leases.pools.length} pool slot(s)`);
  for (const l of s.leases.runs) lines.push(`  run ${l.runId} held by ${l.node} (fence ${l.fence}) until ${l.expiresAt}`);
  for (const l of s.leases.leaders) lines.push(`  leader of ${l.name}: ${l.holder} (fence ${l.fence}) ${l.live ? "until" : "expired at"} ${l.expiresAt}`);
  for (const l of s.leases.pools) lines.push(`  pool ${l.pool}: ${l.holder} until ${l.expiresAt}`);
  return `${lines.join("\n")}\n`;
}

export const clusterCommand: Command = {
  name: "cluster",
  summary: "nodes, scheduler leader, queue depth and leases of the shared state database",
  usage: "Usage: floe cluster status [--json]\n\nA node marked ! has not sent a heartbeat for 30 s.",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } }, { min: 1, max: 1, names: "status" });
    if (positionals[0] !== "status") throw new UsageError(`unknown subcommand "${positionals[0]}" (expected: status)`);
    const state = await openStateIfAny(io);
    if (!state) {
      io.stdout(values.json ? `${JSON.stringify({ database: null, nodes: [] })}\n` : "no state database yet: nothing has run here\n");
      return EXIT.ok;
    }
    await using _ = state.store;
    const status = await clusterStatus(state.store, Date.now());
    io.stdout(values.json ? `${JSON.stringify(status, null, 2)}\n` : text(status));
    return EXIT.ok;
  },
};
