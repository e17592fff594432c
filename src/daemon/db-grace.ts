/**
 * @module The grace a node gives its runs when it loses the database: run processes keep going (their events are
 * kept by the sink) while the node reconnects, for `graceMs` (FLOE_DB_GRACE_MS, default 20 s) but never past what
 * its leases allow: a run is stopped before its lease can expire, so the reaper elsewhere never resumes a run this
 * node is still executing. At the deadline the node tries to renew once more; if that fails too, it stops its runs
 * (they are then handled by lease expiry: Crashed, and resumed elsewhere with `resume: true`).
 */
import { EnvSettingError } from "./errors.ts";
import type { DaemonLogger } from "./logger.ts";

export interface DbGrace {
  /** A store call of the node's went through: any outage is over. */
  reachable(): void;
  /** A store call failed for want of the database (the first one of an outage starts the grace). */
  unreachable(cause: unknown): void;
  close(): void;
}

export interface DbGraceDeps {
  graceMs: number;
  /** Stop this long before the earliest lease would expire (time to kill, clocks that differ a little). */
  marginMs: number;
  /** When the earliest lease this node holds expires (Infinity when it holds none). */
  leasesUntil(): number;
  /** One renewal now, at the deadline (resolves true when it went through). */
  renew(): Promise<boolean>;
  /** Past the grace: stop every run this node executes. */
  expire(why: string): void;
  now(): number;
  log: DaemonLogger;
}

/** The grace from FLOE_DB_GRACE_MS (ms, default 20,000); anything but a whole number of ms is refused. */
export function graceMsOf(env: NodeJS.ProcessEnv): number {
  const text = env.FLOE_DB_GRACE_MS;
  if (text === undefined || text === "") return 20_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new EnvSettingError({ name: "FLOE_DB_GRACE_MS", value: text }, "a whole number of milliseconds (e.g. 20000)");
  return ms;
}

/**
 * @example
 * const grace = createDbGrace({ graceMs: 20_000, marginMs: 5_000, leasesUntil, renew, expire: (why) => killAll(why), now: Date.now, log });
 */
export function createDbGrace(deps: DbGraceDeps): DbGrace {
  const { log } = deps;
  let since: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const atDeadline = async (): Promise<void> => {
    if (since === undefined) return;
    const ok = await Promise.race([deps.renew().catch(() => false), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref())]);
    if (ok || since === undefined) return;
    const why = `the database has been unreachable for ${Math.round((deps.now() - since) / 1000)} s (past the grace, FLOE_DB_GRACE_MS, or its leases ending)`;
    log.error("store:grace", `${why}: stopping this node's runs; their leases expire and another node takes them over`);
    since = undefined;
    deps.expire(why);
  };

  return {
    reachable() {
      if (since === undefined) return;
      log.info("store:restored", `the database is reachable again after ${Math.round((deps.now() - since) / 1000)} s; runs go on`);
      since = undefined;
      clearTimeout(timer);
    },
    unreachable(cause) {
      if (since !== undefined) return;
      since = deps.now();
      const deadline = Math.min(since + deps.graceMs, deps.leasesUntil() - deps.marginMs);
      const left = Math.max(0, deadline - since);
      log.warn("store:unavailable", `the database is unreachable (${(cause as Error)?.message ?? String(cause)}); runs keep going for up to ${Math.round(left / 1000)} s while this node reconnects`);
      timer = setTimeout(() => void atDeadline(), left);
      timer.unref();
    },
    close() {
      clearTimeout(timer);
      since = undefined;
    },
  };
}
