/**
 * @module Leadership of one duty (the scheduler) among the nodes sharing a PostgreSQL database: each node tries to
 * take or renew the lease row every `ttlMs / 3`; the holder runs the duty, the others wait, and a holder that cannot
 * renew (database lost, lease taken over) stops it. A slot fired by two leaders at once is still one run (the unique
 * (schedule, slot) key).
 */
import { resignLeadership, tryLeadership, type Store } from "../store/index.ts";
import { EnvSettingError } from "./errors.ts";
import type { DaemonLogger } from "./logger.ts";

/** The leadership lease from FLOE_LEADER_TTL_MS (ms, default 15,000): a lost leader is replaced within it. */
export function leaderTtlMsOf(env: NodeJS.ProcessEnv): number {
  const text = env.FLOE_LEADER_TTL_MS;
  if (text === undefined || text === "") return 15_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1_000) throw new EnvSettingError({ name: "FLOE_LEADER_TTL_MS", value: text }, "a whole number of milliseconds, at least 1000 (e.g. 15000)");
  return ms;
}

export interface LeaderDuty {
  start(): void;
  stop(): Promise<void>;
}

export interface LeaderLoop {
  /** Whether this node leads now. */
  readonly leading: boolean;
  /** Stops the duty and resigns, so another node takes over at once. */
  stop(): Promise<void>;
}

/**
 * @example
 * const loop = startLeaderLoop({ store, name: "scheduler", holder: nodeId, ttlMs: 15_000, duty: schedules, now: Date.now, log });
 */
export function startLeaderLoop(deps: {
  store: Store; name: string; holder: string; ttlMs: number; duty: LeaderDuty; now: () => number; log: DaemonLogger;
  /** Told of each renewal of a lease this node holds, and of each loss (for `/metrics`). */
  onLease?: ((held: boolean) => void) | undefined;
}): LeaderLoop {
  let leading = false;
  let stopped = false;
  let turn: Promise<void> = Promise.resolve();
  const lose = async (why: string): Promise<void> => {
    if (!leading) return;
    leading = false;
    deps.onLease?.(false);
    deps.log.warn("leader:lost", `${deps.name}: ${why}; stopping it here`, { lease: deps.name, holder: deps.holder });
    await deps.duty.stop();
  };
  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      const l = await tryLeadership(deps.store, { name: deps.name, holder: deps.holder, now: deps.now(), ttlMs: deps.ttlMs });
      if (l.leader && leading) deps.onLease?.(true);
      if (l.leader && !leading) {
        leading = true;
        deps.log.info("leader:won", `${deps.name}: this node leads (fence ${l.fence})`, { lease: deps.name, holder: deps.holder, fence: l.fence });
        deps.duty.start();
      } else if (!l.leader) {
        await lose(`${l.holder} leads`);
      }
    } catch (error) {
      await lose(`cannot renew the lease (${(error as Error)?.message ?? String(error)})`);
    }
  };
  const timer = setInterval(() => {
    turn = turn.then(tick);
  }, Math.max(50, Math.floor(deps.ttlMs / 3)));
  timer.unref();
  turn = turn.then(tick);
  return {
    get leading() {
      return leading;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await turn;
      if (leading) {
        leading = false;
        await deps.duty.stop();
        await resignLeadership(deps.store, deps.name, deps.holder).catch(() => undefined);
      }
    },
  };
}
