/**
 * @module The composition root: the one place floe's concrete parts are built and wired, by role (roles.ts). Every
 * node: config (through the loader), store, node presence, run manager, HTTP server. By duty: pipelines + schedules +
 * triggers (pipeline-loading.ts; api, scheduler), run processes (execution.ts; worker), API + web page
 * (node-server.ts; api). On SQLite the only role is `all` and runs are admitted by the in-memory queue; on
 * PostgreSQL they are claimed from the database (claim-admission.ts), the scheduler runs only while it leads, and
 * any node, whatever its role, may lead the lease-expiry reaper.
 * `stop()` (and `[Symbol.asyncDispose]`) shuts down in order: schedules stop firing, queued runs stay Pending,
 * running runs get the grace period, then are cancelled; nothing is left Running.
 * @example
 * await using daemon = await createDaemon({ cwd, env: process.env, log: createLogger("pretty", write), role: "all" });
 * console.log(daemon.url);
 */
import { hostname } from "node:os";
import { systemClock, type Clock } from "../core/clock.ts";
import type { ResolvedConfig } from "../config/index.ts";
import { createLoader } from "../loader/index.ts";
import { createLoaderPool } from "./loader-pool.ts";
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import { createStoreSink, getPipeline, getRun, openDatabase, SCHEDULES_CHANNEL, type RunRecord, type Store } from "../store/index.ts";
import { createDaemonApiDeps } from "./api-deps.ts";
import { createBackfills } from "./backfills.ts";
import { locateConfig, loadDaemonConfig } from "./config-source.ts";
import { readDaemonFile, removeDaemonFile, writeDaemonFile } from "./daemon-file.ts";
import { createEventBus, type EventBus } from "./event-bus.ts";
import { ListenError } from "./http-server.ts";
import type { DaemonLogger } from "./logger.ts";
import { createParamsChecker } from "../run/params-check.ts";
import { createRegistry, type Registry } from "./registry.ts";
import type { Reloader } from "./reloader.ts";
import { createChildRuns, type ChildRuns } from "./children.ts";
import { startNodePresence } from "./node-presence.ts";
import { createNodeMetrics } from "./node-metrics.ts";
import { leaderTtlMsOf, startLeaderLoop } from "./leader-loop.ts";
import { createRunManager, type RunManager } from "./run-manager.ts";
import { createScheduleWiring } from "./schedules.ts";
import type { Triggers } from "./triggers.ts";
import { createNotifier } from "./notifications.ts";
import { prepareResolution } from "./snapshot.ts";
import { seedDemo } from "./demo-seed.ts";
import { createBrowseProcess } from "./browse-process.ts";
import { shutdown } from "./shutdown.ts";
import { checkRole, dutiesOf, loadsPipelines, type Role } from "./roles.ts";
import { createRunVersions } from "./run-versions.ts";
import { resolveNodeId } from "./node-id.ts";
import { createLeaseReaper } from "./reaper.ts";
import { graceMsOf } from "./db-grace.ts";
import { reconcileNode } from "./reconcile-node.ts";
import { createNoAdmission, createQueueAdmission } from "./admission.ts";
import { createClaimAdmission } from "./claim-admission.ts";
import { startExecution, type Execution } from "./execution.ts";
import { createPipelineLoading, type PipelineLoading } from "./pipeline-loading.ts";
import { serveNode } from "./node-server.ts";

export interface DaemonOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: DaemonLogger;
  clock?: Clock;
  /** What this node does (default `all`); other roles need PostgreSQL. */
  role?: Role | undefined;
  /** Runs this node executes at once (default `concurrency.maxActiveRuns`); workers on PostgreSQL only. */
  slots?: number | undefined;
  /** Watch files for hot reload (default true). */
  watch?: boolean;
  /** How long a cancelled run may take to stop before SIGKILL (default 5 s). */
  killGraceMs?: number;
  /** Create the demo repository when missing (default: when a `seasonal-averages` pipeline is loaded). */
  seedDemo?: boolean;
  /** This node's id in a cluster (`--node-id`; else FLOE_NODE_ID, else host name + state folder hash: node-id.ts). */
  nodeId?: string | undefined;
  /** PostgreSQL: migrate even while nodes of an older version are alive (`floe start --migrate`). */
  migrate?: boolean | undefined;
}

export interface Daemon extends AsyncDisposable {
  readonly url: string;
  readonly role: Role;
  /** This node's id (stable across restarts of the same node). */
  readonly nodeId: string;
  readonly config: ResolvedConfig;
  readonly store: Store;
  /** The pipelines loaded here (empty on a worker node, which loads none). */
  readonly registry: Registry;
  readonly runs: RunManager;
  readonly bus: EventBus;
  /** Hot reload, on nodes that load pipelines. */
  readonly reloader: Reloader | undefined;
  /** Problems of the last config edit that was rejected (the previous config stays in use). */
  readonly configDiagnostics: readonly string[];
  stop(reason?: string): Promise<void>;
}

/** How long a worker's claim lasts without renewal (its heartbeat renews it every third). */
const leaseMsOf = (env: NodeJS.ProcessEnv): number => Number(env.FLOE_LEASE_MS) || 30_000;

export async function createDaemon(options: DaemonOptions): Promise<Daemon> {
  const { env, log } = options;
  const clock = options.clock ?? systemClock;
  const role = options.role ?? "all";
  const duties = dutiesOf(role);
  const startedAt = clock.now();
  const { configFile, rootDir } = locateConfig(options.cwd, env);
  const cleanups: (() => unknown)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };
  try {
    const first = createLoader({ timeoutMs: 15_000, cwd: rootDir, env, warm: false });
    cleanups.push(() => first.close());
    let config = await loadDaemonConfig(first, configFile, rootDir, env);
    await first.close();
    checkRole(role, config.databaseUrl ? "postgres" : "sqlite");
    if (duties.api) {
      const other = readDaemonFile(config.stateDir);
      if (other && other.pid !== process.pid) {
        // two daemons on one state folder would be two writers (on PostgreSQL: two api nodes, one daemon.json)
        throw new ListenError(`another floe daemon (pid ${other.pid}, ${other.url}) already serves ${config.stateDir}; stop it first`);
      }
    }
    const store = await openDatabase({ url: config.databaseUrl, path: config.dbPath }, { migrate: options.migrate });
    cleanups.push(() => store.close());
    const shared = store.dialect === "postgres";
    const nodeId = resolveNodeId({ flag: options.nodeId, env, stateDir: config.stateDir });
    const presence = await startNodePresence({ store, id: nodeId, role, everyMs: 5_000, now: () => clock.now(), log });
    cleanups.push(() => presence.stop());
    const nodeMetrics = createNodeMetrics({ store, node: nodeId, role, host: hostname() });
    let runsRef: RunManager | undefined;
    const sink = createStoreSink(store, {
      node: nodeId,
      onRejected: (rejected) => { for (const r of rejected) log.log("debug", "store:reject", `${r.event.type} ${r.reason}: ${r.message}`); },
      onUnavailable: (cause) => log.warn("store:unavailable", `cannot write run events: the database is unreachable (${(cause as Error)?.message ?? String(cause)}); they are kept and written once it is back`),
      onRestored: ({ downMs, droppedLogs }) => log.info("store:restored", `run events written again after ${Math.round(downMs / 1000)} s${droppedLogs ? `; ${droppedLogs} log lines were dropped meanwhile (over the bound)` : ""}`),
      fences: () => runsRef?.fences,
    });
    cleanups.push(() => sink[Symbol.dispose]());
    prepareResolution(config.stateDir, rootDir);

    const registry = createRegistry();
    const bus = createEventBus((e) => log.error("event:listener", String(e)));
    const params = createParamsChecker();
    const versions = createRunVersions({ store, stateDir: config.stateDir });
    const specOf = (run: RunRecord): Promise<PipelineSpec | undefined> => versions.fetch(run.pipeline, run.version).then((m) => m.spec, () => undefined);
    const graceMs = graceMsOf(env);
    const leaderTtlMs = leaderTtlMsOf(env);
    // this node's runs from before a restart are ended (and resumed) before it claims anything; others' are not touched
    if (shared) await reconcileNode({ store, node: nodeId, leaseMs: leaseMsOf(env), specOf, now: () => clock.now(), log });
    const killGraceMs = options.killGraceMs ?? 5_000;
    let schedulesRef: ReturnType<typeof createScheduleWiring> | undefined;
    let triggersRef: Triggers | undefined;
    let childrenRef: ChildRuns | undefined;
    let publicUrl = `http://${config.daemon.host}:${config.daemon.port}`;
    const notifier = createNotifier({ config: () => config, log, publicUrl: () => publicUrl });
    const runs = await createRunManager({
      store, sink, versions, shared, node: nodeId, heartbeatMs: config.daemon.heartbeatMs, killGraceMs, limits: () => config.concurrency,
      admission: (slots) => !duties.worker ? createNoAdmission() : shared
        ? createClaimAdmission({
          store, node: nodeId, slots: () => options.slots ?? config.concurrency.maxActiveRuns,
          maxActiveRuns: () => config.concurrency.maxActiveRuns, versions, leaseMs: leaseMsOf(env), graceMs,
          pollMs: Number(env.FLOE_CLAIM_POLL_MS) || 1_000, log, now: () => clock.now(),
          onLease: (held, n) => (held ? nodeMetrics.renewed("run", n) : nodeMetrics.lost("run", n)),
        }, slots)
        : createQueueAdmission({
          maxActiveRuns: () => config.concurrency.maxActiveRuns, now: () => clock.now(),
          pipelineLimit: (run) => versions.local(run.pipeline, run.version)?.spec.maxActiveRuns,
          scheduleLimit: (id) => schedulesRef?.limit(id),
        }, slots),
      arraylake: () => ({ localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir }),
      log, now: () => clock.now(), publish: bus.publish,
      onStart: (run) => nodeMetrics.claimed([run.createdAt], clock.now()),
      onEnd: (run, state) => {
        const failed = (what: string) => (e: unknown): void => log.error(what, `${run.id}: ${(e as Error)?.message ?? String(e)}`);
        getRun(store, run.id).then((detail) => notifier.runEnded(run, state, detail?.error?.message), failed("store:read"));
        triggersRef?.runEnded(run, state).catch(failed("trigger:error"));
        childrenRef?.runEnded(run, state).catch(failed("child:error"));
      },
    });
    runsRef = runs;
    cleanups.push(() => runs.close());
    const children = createChildRuns({
      store, registry, runs, params, now: () => clock.now(), log,
      // a worker loads no pipelines: a child's pipeline is its active version recorded by the api nodes
      activeElsewhere: shared ? async (name) => {
        const p = await getPipeline(store, name);
        return p?.activeVersion ? versions.fetch(name, p.activeVersion).catch(() => undefined) : undefined;
      } : undefined,
    });
    childrenRef = children;

    let loading: PipelineLoading | undefined;
    const schedules = loadsPipelines(duties) ? createScheduleWiring({ store, registry, runs, params, clock, log }) : undefined;
    schedulesRef = schedules;
    if (schedules) {
      cleanups.push(() => schedules.stop());
      const loader = createLoaderPool({ timeoutMs: config.daemon.loaderTimeoutMs, cwd: rootDir, env });
      cleanups.push(() => loader.close());
      loading = createPipelineLoading({
        config: () => config, setConfig: (next) => (config = next), configFile, rootDir, env, loader, store, registry, runs, params,
        schedules, triggers: duties.scheduler, nodeId, clock, log,
      });
      triggersRef = loading.triggers;
      cleanups.push(() => loading?.close());
    }

    // started before the first load so its warm run process boots meanwhile
    let execution: Execution | undefined;
    if (duties.worker) {
      execution = startExecution({ config: () => config, rootDir, env, store, sink, runs, children, bus, clock, log, nodeId, versions });
      cleanups.push(() => execution?.close());
      await execution.reconcile();
    }
    await loading?.loadAll();
    if (execution) runs.attach(execution.supervisor);
    if (loading && (options.watch ?? true)) await loading.watch();

    let apiDeps;
    if (duties.api) {
      const backfills = createBackfills({ store, registry, runs, params, clock, log });
      const repos = createBrowseProcess({
        settings: () => ({ localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir }),
        cwd: rootDir, env: config.arraylake.token && !env.ARRAYLAKE_TOKEN ? { ...env, ARRAYLAKE_TOKEN: config.arraylake.token } : env,
        onExit: (reason) => log.warn("browse:exit", `${reason}; it starts again on the next request`),
      });
      cleanups.push(() => repos.close());
      const reloader = loading!.reloader;
      apiDeps = createDaemonApiDeps({
        store, registry, runs, schedules: schedules!, backfills, params, bus, clock, startedAt, repos,
        warnings: (name) => loading!.warnings(name),
        stats: () => ({ reloadErrorsTotal: reloader.errors, scheduleLateness: schedules!.lateness() }),
        nodeMetrics: nodeMetrics.registry,
      });
      // The demo data is for the seed example (daemons without it skip the work); it is ready before the first run.
      if (options.seedDemo ?? registry.get("seasonal-averages") !== undefined) await seedDemo(config, env, log);
    }
    const server = await serveNode({
      host: config.daemon.host, port: config.daemon.port, metrics: nodeMetrics,
      health: () => {
        const h = presence.health();
        return { ok: h.ok, node: nodeId, role, lastHeartbeatAt: h.lastHeartbeatAt === null ? null : new Date(h.lastHeartbeatAt).toISOString() };
      },
      api: apiDeps && { deps: apiDeps, apiToken: config.daemon.apiToken, onError: (e) => log.error("api:error", (e as Error)?.stack ?? String(e)) },
    });
    cleanups.push(() => server.close());
    publicUrl = server.url;
    if (duties.api) {
      writeDaemonFile(config.stateDir, { pid: process.pid, url: server.url, startedAt, stateDir: config.stateDir, auth: config.daemon.apiToken !== undefined });
      cleanups.push(() => removeDaemonFile(config.stateDir));
    }
    if (schedules && duties.scheduler) {
      // One scheduler per database: on PostgreSQL (several nodes) only the leader fires slots; SQLite has one node.
      if (shared) {
        // A pause or resume through any api node reaches the scheduler nodes: NOTIFY at once, a re-read every 10 s if one is lost.
        const refresh = (): void => void schedules.refresh().catch((e: unknown) => log.error("schedule:error", String(e)));
        const unlisten = store.listen(SCHEDULES_CHANNEL, refresh);
        const poll = setInterval(refresh, 10_000);
        poll.unref();
        cleanups.push(async () => {
          clearInterval(poll);
          await (await unlisten.catch(() => undefined))?.().catch(() => undefined);
        });
        const leader = startLeaderLoop({ store, name: "scheduler", holder: nodeId, ttlMs: leaderTtlMs, duty: schedules, now: () => clock.now(), log,
          onLease: (held) => (held ? nodeMetrics.renewed("scheduler") : nodeMetrics.lost("scheduler")),
        });
        cleanups.push(() => leader.stop());
      } else {
        schedules.start();
      }
    }
    if (shared) {
      // Any node may lead the reaper, whatever its role: a cluster of api and worker nodes alone still ends (and
      // resumes) the runs of a worker that died. It needs only the database (versions come from their bundles).
      const reaper = createLeaseReaper({
        store, node: nodeId, everyMs: 1_000, leaseMs: leaseMsOf(env), now: () => clock.now(), log,
        specOf, // a version another node loaded comes from its bundle; one that cannot be read gets no resume (logged)
      });
      const reaping = startLeaderLoop({ store, name: "reaper", holder: nodeId, ttlMs: leaderTtlMs, duty: reaper, now: () => clock.now(), log });
      cleanups.push(() => reaping.stop());
    }

    let stopping: Promise<void> | undefined;
    const stop = (reason = "stop requested"): Promise<void> =>
      (stopping ??= (async () => {
        log.info("daemon:stop", `${reason}; stopping`);
        await shutdown({ schedules, runs, supervisor: execution?.supervisor, graceMs: config.daemon.shutdownGraceMs, killGraceMs, log });
        await cleanup();
      })());
    return {
      url: server.url,
      role,
      nodeId,
      get config() {
        return config;
      },
      store, registry, runs, bus, reloader: loading?.reloader,
      get configDiagnostics() {
        return loading?.configDiagnostics() ?? [];
      },
      stop,
      [Symbol.asyncDispose]: () => stop(),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
