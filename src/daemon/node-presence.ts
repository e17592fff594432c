/**
 * @module This daemon as a node of the state database: it reports its role, host and pid with a heartbeat (for
 * `floe cluster status`) and removes itself when it stops.
 */
import { hostname } from "node:os";
import { heartbeatNode, removeNode, type NodeRole, type Store } from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";

export interface NodePresence {
  readonly id: string;
  stop(): Promise<void>;
}

export async function startNodePresence(deps: {
  store: Store; role: NodeRole; everyMs: number; now: () => number; log: DaemonLogger;
}): Promise<NodePresence> {
  const host = hostname();
  const id = `${host}:${process.pid}`;
  const startedAt = deps.now();
  const beat = (): Promise<void> => heartbeatNode(deps.store, { id, role: deps.role, host, pid: process.pid, startedAt, heartbeatAt: deps.now() });
  await beat();
  const timer = setInterval(() => beat().catch((e: unknown) => deps.log.error("node:heartbeat", String(e))), deps.everyMs);
  timer.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      await removeNode(deps.store, id).catch(() => undefined);
    },
  };
}
