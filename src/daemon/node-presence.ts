/**
 * @module This daemon as a node of the state database: it reports its id, role, host, pid, floe version and the
 * schema version it knows with a heartbeat (for `floe cluster status`, and so a newer node does not migrate under it)
 * and removes itself when it stops.
 */
import { hostname } from "node:os";
import { FLOE_VERSION } from "../core/floe-version.ts";
import { SCHEMA_VERSION, getNode, heartbeatNode, removeNode, type NodeRole, type Store } from "../store/index.ts";
import { isAlive } from "./daemon-file.ts";
import { NodeIdInUseError } from "./errors.ts";
import type { DaemonLogger } from "./logger.ts";

export interface NodePresence {
  readonly id: string;
  readonly role: NodeRole;
  /** When a heartbeat last reached the database (ms), and whether that is recent (within three beats). */
  health(): { ok: boolean; lastHeartbeatAt: number | null };
  stop(): Promise<void>;
}

/**
 * Reports this node under `id` (node-id.ts); refuses when a live node elsewhere reports the same id (its heartbeat is
 * recent and it is not this node's own previous process, now dead).
 * @example
 * const presence = await startNodePresence({ store, id: "build-01-3f9a2c1e", role: "all", everyMs: 5_000, now: Date.now, log });
 */
export async function startNodePresence(deps: {
  store: Store; id: string; role: NodeRole; everyMs: number; now: () => number; log: DaemonLogger;
}): Promise<NodePresence> {
  const host = hostname();
  const { id } = deps;
  const startedAt = deps.now();
  const other = await getNode(deps.store, id);
  const fresh = other !== undefined && startedAt - other.heartbeatAt < deps.everyMs * 3;
  if (other && fresh && !(other.host === host && (other.pid === process.pid || !isAlive(other.pid)))) {
    throw new NodeIdInUseError({ id, host: other.host, pid: other.pid, heartbeatAgoMs: startedAt - other.heartbeatAt });
  }
  let lastOk: number | null = null;
  const beat = async (): Promise<void> => {
    const at = deps.now();
    await heartbeatNode(deps.store, {
      id, role: deps.role, host, pid: process.pid, startedAt, heartbeatAt: at, floeVersion: FLOE_VERSION, schemaVersion: SCHEMA_VERSION,
    });
    lastOk = at;
  };
  await beat();
  const timer = setInterval(() => beat().catch((e: unknown) => deps.log.error("node:heartbeat", String(e))), deps.everyMs);
  timer.unref();
  return {
    id,
    role: deps.role,
    health: () => ({ ok: lastOk !== null && deps.now() - lastOk < 3 * deps.everyMs, lastHeartbeatAt: lastOk }),
    async stop() {
      clearInterval(timer);
      await removeNode(deps.store, id).catch(() => undefined);
    },
  };
}
