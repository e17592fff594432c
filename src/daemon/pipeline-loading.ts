/**
 * @module The pipelines part of a node (roles `api`, `scheduler`, `all`): loading the pipelines folder through the
 * warm loader pool into the registry, snapshotting each version, recording pipelines and versions in the store,
 * hot reload (watcher), live config edits, and the data triggers (on nodes with the scheduler duty). A `worker`
 * node has none of this: it needs no pipelines folder.
 * @example
 * const loading = createPipelineLoading({ ...deps, schedules, triggers: true });
 * await loading.loadAll();
 * await loading.watch();
 */
import type { Clock } from "../core/clock.ts";
import { isTerminalRunState } from "../core/states.ts";
import { formatDiagnostic, type Diagnostic } from "../core/errors.ts";
import { PIPELINE_LOCATION } from "../dsl/validate.ts";
import type { ResolvedConfig } from "../config/index.ts";
import type { ConfigLoad, Loader } from "../loader/index.ts";
import {
  getRun, parseRunEnd, RUN_ENDS_CHANNEL, recordPipelineVersions, removePipelines, upsertPipelines, type Store,
} from "../store/index.ts";
import type { ParamsChecker } from "../run/params-check.ts";
import { resolveLoaded, restartNeeded } from "./config-source.ts";
import { createHeadReader } from "./heads.ts";
import type { DaemonLogger } from "./logger.ts";
import type { Registry, RegistryChange } from "./registry.ts";
import { createReloader, type Reloader } from "./reloader.ts";
import type { RunManager } from "./run-manager.ts";
import type { ScheduleWiring } from "./schedules.ts";
import { snapshotVersion } from "./snapshot.ts";
import { createTriggers, type Triggers } from "./triggers.ts";
import { pruneVersionsAndBundles } from "./versions-gc.ts";
import { publishVersionBundles } from "./version-bundles.ts";
import { createWatcher, type Watcher } from "./watcher.ts";

export interface PipelineLoading {
  readonly reloader: Reloader;
  /** Data triggers, on nodes with the scheduler duty. */
  readonly triggers: Triggers | undefined;
  /** Load-time warnings of a valid pipeline (a trigger's repository that does not exist). */
  warnings(pipeline: string): Diagnostic[];
  /** Problems of the last config edit that was rejected (the previous config stays in use). */
  configDiagnostics(): readonly string[];
  /** Loads every pipeline file (start-up). */
  loadAll(): Promise<void>;
  /** Starts hot reload of the pipelines folder and the config file. */
  watch(): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineLoadingDeps {
  config(): ResolvedConfig;
  /** A live config edit was accepted. */
  setConfig(next: ResolvedConfig): void;
  configFile: string | undefined;
  rootDir: string;
  env: NodeJS.ProcessEnv;
  loader: Loader;
  store: Store;
  registry: Registry;
  runs: RunManager;
  params: ParamsChecker;
  /** The schedules re-read after each reload (present on every node that loads pipelines). */
  schedules: ScheduleWiring;
  /** Whether this node runs the data triggers. */
  triggers: boolean;
  /** This node's id: runs it executed itself reach its triggers directly (onEnd), not by notification. */
  nodeId: string;
  clock: Clock;
  log: DaemonLogger;
}

export function createPipelineLoading(deps: PipelineLoadingDeps): PipelineLoading {
  const { store, registry, log, clock, env, rootDir } = deps;
  const config = deps.config();
  const warnings = new Map<string, Map<string, Diagnostic>>();
  const recordPipelines = async (names: Iterable<string>): Promise<void> => {
    const now = clock.now();
    await upsertPipelines(store, [...names].map((n) => registry.get(n)).filter((e) => e !== undefined).map((e) => ({
      name: e.name, file: e.file, activeVersion: e.active?.version ?? null, valid: e.valid,
      diagnostics: [...e.diagnostics, ...(warnings.get(e.name)?.values() ?? [])], updatedAt: now,
    })));
  };
  const token = config.arraylake.token ?? (env.ARRAYLAKE_TOKEN || undefined);
  const triggers = deps.triggers ? createTriggers({
    store, registry, runs: deps.runs, params: deps.params, clock, log, pollMs: Number(env.FLOE_TRIGGER_POLL_MS ?? 1000),
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
  }) : undefined;

  // In a cluster a run may end on a worker that loads no pipelines: its end is announced, and `onRunEnd` triggers
  // start here (keyed by the ended run, so two nodes hearing it still start one run).
  const hearing = triggers && store.dialect === "postgres" ? store.listen(RUN_ENDS_CHANNEL, (payload) => {
    const end = parseRunEnd(payload);
    if (!end || end.node === deps.nodeId) return;
    getRun(store, end.runId)
      .then((run) => (run && isTerminalRunState(run.state) ? triggers.runEnded(run, run.state) : undefined))
      .catch((e: unknown) => log.error("trigger:error", `${end.runId}: ${(e as Error)?.message ?? String(e)}`));
  }) : undefined;

  let configDiagnostics: string[] = [];
  const onConfig = (load: ConfigLoad): void => {
    try {
      const current = deps.config();
      const next = resolveLoaded(load, rootDir, env);
      const stale = restartNeeded(current, next);
      deps.setConfig({ ...next, stateDir: current.stateDir, dbPath: current.dbPath, pipelinesDir: current.pipelinesDir, daemon: current.daemon });
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
    await deps.schedules.sync(gone);
    triggers?.sync();
    if (now - lastPrune > 60_000) {
      lastPrune = now;
      await pruneVersionsAndBundles(store, config.stateDir, now);
    }
    watcher?.add([...registry.files().values()].flatMap((f) => f.imports));
  };
  const reloader = createReloader({
    loader: deps.loader, registry, pipelinesDir: config.pipelinesDir, configFile: deps.configFile, rootDir, log,
    snapshot: (p) => snapshotVersion(config.stateDir, p, clock.now()),
    onApplied: persist, onConfig,
  });

  return {
    reloader,
    triggers,
    warnings: (name) => [...(warnings.get(name)?.values() ?? [])],
    configDiagnostics: () => configDiagnostics,
    loadAll: () => reloader.loadAll(),
    async watch() {
      watcher = createWatcher({
        paths: [config.pipelinesDir, ...(deps.configFile ? [deps.configFile] : [])],
        debounceMs: 50,
        onChange: (paths) => void reloader.changed(paths),
        onError: (e) => log.error("watch:error", String(e)),
      });
      watcher.add([...registry.files().values()].flatMap((f) => f.imports));
      await watcher.ready;
    },
    async close() {
      await watcher?.close();
      await (await hearing?.catch(() => undefined))?.().catch(() => undefined);
      triggers?.stop();
    },
  };
}
