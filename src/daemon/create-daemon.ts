/**
 * @module The composition root: the one place floe's concrete parts are built and wired. Config (through the
 * loader), store, registry + hot reload, run manager + supervisor, schedules, the API server and daemon.json.
 * `stop()` (and `[Symbol.asyncDispose]`) shuts down in order: schedules stop firing, queued runs stay Pending,
 * running runs get the grace period, then are cancelled; nothing is left Running.
 * @example
 * await using daemon = await createDaemon({ cwd, env: process.env, log: createLogger("pretty", write) });
 * console.log(daemon.url);
 */
import { hostname } from "node:os";
import { systemClock, type Clock } from "../core/clock.ts";
import { formatDiagnostic, type Diagnostic } from "../core/errors.ts";
import { PIPELINE_LOCATION } from "../dsl/validate.ts";
import type { ResolvedConfig } from "../config/index.ts";
import { createApp } from "../api/app.ts";
import { createLoader, type ConfigLoad } from "../loader/index.ts";
import { createLoaderPool } from "./loader-pool.ts";
import {
  createStoreSink, getRun, listRunsInStates, openDatabase, pruneVersionBundles, recordPipelineVersions, removePipelines, upsertPipelines,
  type Store,
} from "../store/index.ts";
import { createDaemonApiDeps } from "./api-deps.ts";
import { createBackfills } from "./backfills.ts";
import { locateConfig, loadDaemonConfig, resolveLoaded, restartNeeded } from "./config-source.ts";
import { readDaemonFile, removeDaemonFile, writeDaemonFile } from "./daemon-file.ts";
import { createEventBus, type EventBus } from "./event-bus.ts";
import { listen, ListenError, type HttpServer } from "./http-server.ts";
import type { DaemonLogger } from "./logger.ts";
import { createParamsChecker } from "../run/params-check.ts";
import { createPoolManager } from "./pools.ts";
import { reconcile, startOrphanSweep } from "./reconcile.ts";
import { createRegistry, type Registry, type RegistryChange } from "./registry.ts";
import { createReloader, type Reloader } from "./reloader.ts";
import { createRunChannel } from "./run-channel.ts";
import { createChildRuns, type ChildRuns } from "./children.ts";
import { startNodePresence } from "./node-presence.ts";
import { createNodeMetrics } from "./node-metrics.ts";
import { startLeaderLoop } from "./leader-loop.ts";
import { resolveNodeId } from "./node-id.ts";
import { createLeaseReaper } from "./reaper.ts";
import { createRunManager, type RunManager } from "./run-manager.ts";
import { createScheduleWiring } from "./schedules.ts";
import { createHeadReader } from "./heads.ts";
import { createTriggers, type Triggers } from "./triggers.ts";
import { createNotifier } from "./notifications.ts";
import { prepareResolution, snapshotVersion } from "./snapshot.ts";
import { startTaskJobs } from "./task-jobs.ts";
import { createSupervisor } from "./supervisor.ts";
import { mountDashboard } from "../web/index.ts";
import { seedDemo } from "./demo-seed.ts";
import { createBrowseProcess } from "./browse-process.ts";
import { createWatcher, type Watcher } from "./watcher.ts";
import { shutdown } from "./shutdown.ts";
import { pruneVersions } from "./versions-gc.ts";
import { BUNDLE_RETENTION, publishVersionBundles, versionManifest } from "./version-bundles.ts";

export interface DaemonOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: DaemonLogger;
  clock?: Clock;
  /** Watch files for hot reload (default true). */
  watch?: boolean;
  /** How long a cancelled run may take to stop before SIGKILL (default 5 s). */
  killGraceMs?: number;
  /** Create the demo repository when missing (default: when a `seasonal-averages` pipeline is loaded). */
  seedDemo?: boolean;
  /** This node's id in a cluster (`--node-id`; else FLOE_NODE_ID, else host name + state folder hash: node-id.ts). */
  nodeId?: string;
  /** PostgreSQL: migrate even while nodes of an older version are alive (`floe start --migrate`). */
  migrate?: boolean | undefined;
}

export interface Daemon extends AsyncDisposable {
  readonly url: string;
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly registry: Registry;
  readonly runs: RunManager;
  readonly bus: EventBus;
  readonly reloader: Reloader;
  /** This node's id (stable across restarts of the same node). */
  readonly nodeId: string;
  /** Problems of the last config edit that was rejected (the previous config stays in use). */
  readonly configDiagnostics: readonly string[];
  stop(reason?: string): Promise<void>;
}

export async function createDaemon(options: DaemonOptions): Promise<Daemon> {
  const { env, log } = options;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const { configFile, rootDir } = locateConfig(options.cwd, env);
  const cleanups: (() => unknown)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };
  try {
    let loader = createLoader({ timeoutMs: 15_000, cwd: rootDir, env, warm: false });
    cleanups.push(() => loader.close());
    let config = await loadDaemonConfig(loader, configFile, rootDir, env);
    await loader.close();
    loader = createLoaderPool({ timeoutMs: config.daemon.loaderTimeoutMs, cwd: rootDir, env });
    const other = readDaemonFile(config.stateDir);
    if (other && other.pid !== process.pid) {
      // two daemons on one state folder would be two writers
      throw new ListenError(`another floe daemon (pid ${other.pid}, ${other.url}) already serves ${config.stateDir}; stop it first`);
    }
    const store = await openDatabase({ url: config.databaseUrl, path: config.dbPath }, { migrate: options.migrate });
    cleanups.push(() => store.close());
    const nodeId = resolveNodeId({ flag: options.nodeId, env, stateDir: config.stateDir });
    const presence = await startNodePresence({ store, id: nodeId, role: "all", everyMs: 5_000, now: () => clock.now(), log });
    cleanups.push(() => presence.stop());
    const nodeMetrics = createNodeMetrics({ store, node: presence.id, role: presence.role, host: hostname() });
    const sink = createStoreSink(store, {
      node: presence.id,
      onRejected: (rejected) => { for (const r of rejected) log.log("debug", "store:reject", `${r.event.type} ${r.reason}: ${r.message}`); },
      onUnavailable: (cause) => log.warn("store:unavailable", `cannot write run events: the database is unreachable (${(cause as Error)?.message ?? String(cause)}); they are kept and written once it is back`),
      onRestored: ({ downMs, droppedLogs }) => log.info("store:restored", `run events written again after ${Math.round(downMs / 1000)} s${droppedLogs ? `; ${droppedLogs} log lines were dropped meanwhile (over the bound)` : ""}`),
    });
    cleanups.push(() => sink[Symbol.dispose]());
    prepareResolution(config.stateDir, rootDir);

    const registry = createRegistry();
    const bus = createEventBus((e) => log.error("event:listener", String(e)));
    const params = createParamsChecker();
    const limits = () => config.concurrency;
    const pools = createPoolManager({ store, limits: () => config.concurrency.pools, ttlMs: 60_000, now: () => clock.now() });
    const killGraceMs = options.killGraceMs ?? 5_000;
    let schedulesRef: ReturnType<typeof createScheduleWiring> | undefined;
    let triggersRef: Triggers | undefined;
    let childrenRef: ChildRuns | undefined;
    let publicUrl = `http://${config.daemon.host}:${config.daemon.port}`;
    const notifier = createNotifier({ config: () => config, log, publicUrl: () => publicUrl });
    const runs = createRunManager({
      store, sink, stateDir: config.stateDir, heartbeatMs: config.daemon.heartbeatMs, killGraceMs, limits,
      arraylake: () => ({ localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir }),
      scheduleLimit: (id) => schedulesRef?.limit(id), log, now: () => clock.now(), publish: bus.publish,
      onStart: (run) => nodeMetrics.claimed([run.createdAt], clock.now()),
      onEnd: (run, state) => {
        const failed = (what: string) => (e: unknown): void => log.error(what, `${run.id}: ${(e as Error)?.message ?? String(e)}`);
        getRun(store, run.id).then((detail) => notifier.runEnded(run, state, detail?.error?.message), failed("store:read"));
        triggersRef?.runEnded(run, state).catch(failed("trigger:error"));
        childrenRef?.runEnded(run, state).catch(failed("child:error"));
      },
    });
    const children = createChildRuns({ store, registry, runs, params, now: () => clock.now(), log });
    childrenRef = children;
    const childEnv = config.arraylake.token && !env.ARRAYLAKE_TOKEN ? { ...env, ARRAYLAKE_TOKEN: config.arraylake.token } : env;
    const taskJobs = startTaskJobs({
      store, node: presence.id, slots: config.concurrency.jobsPerNode, cwd: rootDir, env: childEnv, log, now: () => clock.now(),
      version: (pipeline, version) => versionManifest({ store, stateDir: config.stateDir }, pipeline, version),
      arraylake: () => ({ localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir }),
    });
    cleanups.push(() => taskJobs.stop());
    const channel = createRunChannel({
      store, sink, pools, log, now: () => clock.now(), heartbeatMs: config.daemon.heartbeatMs, publish: bus.publish,
      pipelineOf: (id) => runs.active().find((r) => r.id === id)?.pipeline, children, jobs: taskJobs.relay,
    });
    cleanups.push(() => channel.close());
    const schedules = createScheduleWiring({ store, registry, runs, params, clock, log });
    schedulesRef = schedules;
    cleanups.push(() => schedules.stop());
    const token = config.arraylake.token ?? (env.ARRAYLAKE_TOKEN || undefined);
    /** Load-time warnings of valid pipelines (a trigger's repository that does not exist), by pipeline and path. */
    const warnings = new Map<string, Map<string, Diagnostic>>();
    const recordPipelines = async (names: Iterable<string>): Promise<void> => {
      const now = clock.now();
      await upsertPipelines(store, [...names].map((n) => registry.get(n)).filter((e) => e !== undefined).map((e) => ({
        name: e.name, file: e.file, activeVersion: e.active?.version ?? null, valid: e.valid,
        diagnostics: [...e.diagnostics, ...(warnings.get(e.name)?.values() ?? [])], updatedAt: now,
      })));
    };
    const triggers = createTriggers({
      store, registry, runs, params, clock, log, pollMs: Number(env.FLOE_TRIGGER_POLL_MS ?? 1000),
      onRepoMissing: (pipeline, repo, index) => {
        const entry = registry.get(pipeline);
        const mine = warnings.get(pipeline) ?? new Map<string, Diagnostic>();
        warnings.set(pipeline, mine);
        for (const key of [...mine.keys()]) if (mine.get(key)!.code === "trigger_repo_not_found" && mine.get(key)!.message.includes(`"${repo}"`)) mine.delete(key);
        if (index !== undefined && entry) {
          const at = entry.active?.locations[PIPELINE_LOCATION] ?? { file: entry.file };
          const d: Diagnostic = {
            ...at, file: at.file ?? entry.file, pipeline, path: `triggers.${index}.onCommit.repo`, code: "trigger_repo_not_found",
            message: `repository "${repo}" does not exist: this trigger waits for it (checked with backoff); the pipeline stays valid for manual runs`,
          };
          mine.set(d.path!, d);
          log.warn("trigger:missing", formatDiagnostic(d), { pipeline, repo });
        }
        recordPipelines([pipeline]).catch((e: unknown) => log.error("store:write", String(e)));
      },
      heads: createHeadReader({ localReposDir: config.arraylake.localReposDir, cwd: config.rootDir, remote: token !== undefined, token }),
    });
    triggersRef = triggers;
    cleanups.push(() => triggers.stop());

    let configDiagnostics: string[] = [];
    const onConfig = (load: ConfigLoad): void => {
      try {
        const next = resolveLoaded(load, rootDir, env);
        const stale = restartNeeded(config, next);
        config = { ...next, stateDir: config.stateDir, dbPath: config.dbPath, pipelinesDir: config.pipelinesDir, daemon: config.daemon };
        configDiagnostics = [];
        log.info("config:reload", `arraylake.config.ts reloaded${stale.length ? `; restart to apply ${stale.join(", ")}` : ""}`);
      } catch (error) {
        const ds = (error as { diagnostics?: { message: string }[] }).diagnostics;
        configDiagnostics = ds ? ds.map((d) => formatDiagnostic(d as never)) : [String(error)];
        log.warn("config:invalid", `arraylake.config.ts is invalid; keeping the previous config:\n  ${configDiagnostics.join("\n  ")}`);
      }
    };
    let watcher: Watcher | undefined;
    let lastPrune = 0;
    const persist = async (change: RegistryChange): Promise<void> => {
      const now = clock.now();
      await recordPipelineVersions(store, change.activated.map((p) => ({ pipeline: p.name, version: p.version, file: p.file, plan: p.plan, createdAt: now })));
      // versions travel to other nodes (and back to this one, once pruned) through the database
      await publishVersionBundles({ store, stateDir: config.stateDir }, change.activated.map((p) => registry.get(p.name)?.manifest), now);
      const gone = change.removed.filter((n) => !registry.get(n));
      if (gone.length) await removePipelines(store, gone);
      const touched = new Set([...change.activated.map((p) => p.name), ...change.invalid.map((i) => i.name)]);
      await recordPipelines(touched);
      await schedules.sync(gone);
      triggers.sync();
      if (now - lastPrune > 60_000) {
        lastPrune = now;
        const keep = new Set(registry.list().flatMap((e) => (e.active ? [`${e.name}/${e.active.version}`] : [])));
        for (const r of await listRunsInStates(store, ["Pending", "Running", "Cancelling"])) keep.add(`${r.pipeline}/${r.version}`);
        pruneVersions(config.stateDir, keep);
        await pruneVersionBundles(store, { now, ...BUNDLE_RETENTION });
      }
      watcher?.add([...registry.files().values()].flatMap((f) => f.imports));
    };
    const reloader = createReloader({
      loader: { load: (r) => loader.load(r), close: () => loader.close(), [Symbol.asyncDispose]: () => loader.close() },
      registry, pipelinesDir: config.pipelinesDir, configFile, rootDir, log,
      snapshot: (p) => snapshotVersion(config.stateDir, p, clock.now()),
      onApplied: persist, onConfig,
    });

    // started before the first load so its warm run process boots meanwhile
    const supervisor = createSupervisor({
      // A token from arraylake.config.ts reaches run processes through their environment only.
      cwd: rootDir, env: config.arraylake.token && !env.ARRAYLAKE_TOKEN ? { ...env, ARRAYLAKE_TOKEN: config.arraylake.token } : env,
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
    cleanups.push(() => supervisor.close());
    await reconcile({ store, sink, runs, stateDir: config.stateDir, log, now: clock.now() });
    const sweeper = startOrphanSweep({ store, sink, runs, log, now: () => clock.now(), everyMs: 5_000 });
    cleanups.push(() => clearInterval(sweeper));
    await reloader.loadAll();

    runs.attach(supervisor);

    if (options.watch ?? true) {
      watcher = createWatcher({
        paths: [config.pipelinesDir, ...(configFile ? [configFile] : [])],
        debounceMs: 50,
        onChange: (paths) => void reloader.changed(paths),
        onError: (e) => log.error("watch:error", String(e)),
      });
      cleanups.push(() => watcher?.close());
      watcher.add([...registry.files().values()].flatMap((f) => f.imports));
      await watcher.ready;
    }

    const backfills = createBackfills({ store, registry, runs, params, clock, log });
    const repos = createBrowseProcess({
      settings: () => ({ localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir }),
      cwd: rootDir, env: config.arraylake.token && !env.ARRAYLAKE_TOKEN ? { ...env, ARRAYLAKE_TOKEN: config.arraylake.token } : env,
      onExit: (reason) => log.warn("browse:exit", `${reason}; it starts again on the next request`),
    });
    cleanups.push(() => repos.close());
    const apiDeps = createDaemonApiDeps({
      store, registry, runs, schedules, backfills, params, bus, clock, startedAt, repos,
      warnings: (name) => [...(warnings.get(name)?.values() ?? [])],
      stats: () => ({ reloadErrorsTotal: reloader.errors, scheduleLateness: schedules.lateness() }),
      nodeMetrics: nodeMetrics.registry,
    });
    const app = createApp(apiDeps, {
      host: config.daemon.host, apiToken: config.daemon.apiToken, onError: (e) => log.error("api:error", (e as Error)?.stack ?? String(e)),
    });
    mountDashboard(app, apiDeps);
    // The demo data is for the seed example (daemons without it skip the work); it is ready before the first run.
    if (options.seedDemo ?? registry.get("seasonal-averages") !== undefined) await seedDemo(config, env, log);
    const server: HttpServer = await listen(app.fetch, config.daemon.host, config.daemon.port);
    cleanups.push(() => server.close());
    publicUrl = server.url;
    writeDaemonFile(config.stateDir, { pid: process.pid, url: server.url, startedAt, stateDir: config.stateDir, auth: config.daemon.apiToken !== undefined });
    cleanups.push(() => removeDaemonFile(config.stateDir));
    // One scheduler per database: on PostgreSQL (several nodes) only the leader fires slots; SQLite has one node.
    if (store.dialect === "postgres") {
      const leader = startLeaderLoop({ store, name: "scheduler", holder: presence.id, ttlMs: 15_000, duty: schedules, now: () => clock.now(), log,
        onLease: (held) => (held ? nodeMetrics.renewed("scheduler") : nodeMetrics.lost("scheduler")),
      });
      cleanups.push(() => leader.stop());
      const reaper = createLeaseReaper({
        store, node: nodeId, everyMs: 1_000, leaseMs: 30_000, now: () => clock.now(), log,
        // a version another node loaded comes from its bundle; one that cannot be read gets no resume (logged)
        specOf: (run) => versionManifest({ store, stateDir: config.stateDir }, run.pipeline, run.version).then((m) => m.spec, () => undefined),
      });
      const reaping = startLeaderLoop({ store, name: "reaper", holder: nodeId, ttlMs: 15_000, duty: reaper, now: () => clock.now(), log });
      cleanups.push(() => reaping.stop());
    } else {
      schedules.start();
    }

    let stopping: Promise<void> | undefined;
    const stop = (reason = "stop requested"): Promise<void> =>
      (stopping ??= (async () => {
        log.info("daemon:stop", `${reason}; stopping`);
        await shutdown({ schedules, runs, supervisor, graceMs: config.daemon.shutdownGraceMs, killGraceMs, log });
        await cleanup();
      })());
    return {
      url: server.url,
      get config() {
        return config;
      },
      store, registry, runs, bus, reloader, nodeId,
      get configDiagnostics() {
        return configDiagnostics;
      },
      stop,
      [Symbol.asyncDispose]: () => stop(),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
