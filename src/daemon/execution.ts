/**
 * @module The worker part of a node: run processes (the supervisor keeps a warm spare), the run channel that
 * records what they say (every write of a claimed run carries its fence, through the sink), named pools as database
 * leases, child-run requests, task jobs (distributed tasks: the relay for this node's runs and the job worker), and
 * the start-up reconcile plus the orphan sweep. Built by nodes whose role executes
 * runs (`worker`, `all`); the run manager starts nothing until `attach` gives it this supervisor.
 * @example
 * const execution = startExecution({ config: () => config, rootDir, env, store, sink, runs, children, bus, clock, log });
 * await execution.reconciled;
 * runs.attach(execution.supervisor);
 */
import type { Clock } from "../core/clock.ts";
import type { ResolvedConfig } from "../config/index.ts";
import { RUN_ENDS_CHANNEL, type Store, type StoreSink } from "../store/index.ts";
import type { ChildRuns } from "./children.ts";
import type { EventBus } from "./event-bus.ts";
import type { DaemonLogger } from "./logger.ts";
import { createPoolManager } from "./pools.ts";
import { reconcile, startOrphanSweep } from "./reconcile.ts";
import { createRunChannel } from "./run-channel.ts";
import type { RunManager } from "./run-manager.ts";
import { createSupervisor, type Supervisor } from "./supervisor.ts";
import { startTaskJobs } from "./task-jobs.ts";
import type { RunVersions } from "./run-versions.ts";
import { pruneVersionsAndBundles } from "./versions-gc.ts";

export interface Execution {
  readonly supervisor: Supervisor;
  /** Runs left by a previous daemon are ended (and resumed) before new ones start. */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

export function startExecution(deps: {
  config(): ResolvedConfig; rootDir: string; env: NodeJS.ProcessEnv; store: Store; sink: StoreSink; runs: RunManager;
  children: ChildRuns; bus: EventBus; clock: Clock; log: DaemonLogger; nodeId: string; versions: RunVersions;
}): Execution {
  const { store, sink, runs, log, clock } = deps;
  const config = deps.config();
  const env = deps.env;
  // A token from arraylake.config.ts reaches run processes through their environment only.
  const childEnv = config.arraylake.token && !env.ARRAYLAKE_TOKEN ? { ...env, ARRAYLAKE_TOKEN: config.arraylake.token } : env;
  const taskJobs = startTaskJobs({
    store, node: deps.nodeId, slots: config.concurrency.jobsPerNode, cwd: deps.rootDir, env: childEnv, log, now: () => clock.now(),
    children: deps.children,
    version: (pipeline, version) => deps.versions.fetch(pipeline, version),
    arraylake: () => ({ localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir }),
  });
  const pools = createPoolManager({
    store, limits: () => deps.config().concurrency.pools, ttlMs: 60_000, now: () => clock.now(), fenceOf: (runId) => runs.fences.get(runId),
  });
  const channel = createRunChannel({
    store, sink, pools, log, now: () => clock.now(), heartbeatMs: config.daemon.heartbeatMs, publish: deps.bus.publish,
    pipelineOf: (id) => runs.active().find((r) => r.id === id)?.pipeline, children: deps.children, jobs: taskJobs.relay,
  });
  const supervisor = createSupervisor({
    cwd: deps.rootDir, env: childEnv,
    heartbeatMs: config.daemon.heartbeatMs, staleAfterMs: Math.max(30_000, config.daemon.heartbeatMs * 30),
    hooks: {
      onMessage: channel.onMessage, onOutput: channel.onOutput,
      onExit: (runId, exit) => {
        taskJobs.relay.runEnded(runId);
        pools.releaseRun(runId)
          .then(() => runs.onExit(runId, exit))
          .catch((e: unknown) => log.error("run:exit", `${runId}: ${(e as Error)?.message ?? String(e)}`));
      },
    },
  });
  let sweeper: NodeJS.Timeout | undefined;
  // In a cluster a child run may end on another node: its parent's waiter here hears of it (NOTIFY, then polling).
  const checkChildren = (): void => void deps.children.check().catch((e: unknown) => log.error("child:check", String(e)));
  const childPoll = store.dialect === "postgres" ? setInterval(checkChildren, 1_000) : undefined;
  childPoll?.unref();
  const unlisten = store.dialect === "postgres" ? store.listen(RUN_ENDS_CHANNEL, checkChildren) : undefined;
  // a worker that loads no pipelines prunes the versions it unpacked (and bundles) by what the database says runs need
  const pruneOld = (): void => void pruneVersionsAndBundles(store, config.stateDir, clock.now()).catch((e: unknown) => log.error("versions:prune", String(e)));
  const pruner = store.dialect === "postgres" ? setInterval(pruneOld, 10 * 60_000) : undefined;
  pruner?.unref();
  return {
    supervisor,
    async reconcile() {
      await reconcile({ store, sink, runs, stateDir: config.stateDir, log, now: clock.now() });
      sweeper = startOrphanSweep({ store, sink, runs, log, now: () => clock.now(), everyMs: 5_000, node: deps.nodeId });
    },
    async close() {
      clearInterval(sweeper);
      clearInterval(childPoll);
      clearInterval(pruner);
      await (await unlisten?.catch(() => undefined))?.().catch(() => undefined);
      await supervisor.close();
      channel.close();
      await taskJobs.stop();
    },
  };
}
