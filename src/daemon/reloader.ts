/**
 * @module Hot reload: turns batches of changed paths into loads through the warm loader process, one batch at a
 * time (changes arriving meanwhile make the next batch). Only affected files are re-loaded: changed pipeline
 * files, new ones, and those importing a changed file. A load that kills or hangs the loader is retried file by
 * file, so one bad module is reported on its own and never hides the others.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { formatDiagnostic, type Diagnostic } from "../core/errors.ts";
import { listPipelineFiles, LoaderError, type ConfigLoad, type FileLoadResult, type Loader } from "../loader/index.ts";
import type { DaemonLogger } from "./logger.ts";
import type { Registry, RegistryChange } from "./registry.ts";
import type { VersionManifest } from "./version-manifest.ts";
import type { LoadedPipeline } from "../loader/types.ts";

export interface ReloaderDeps {
  loader: Loader;
  registry: Registry;
  pipelinesDir: string;
  configFile: string | undefined;
  rootDir: string;
  log: DaemonLogger;
  snapshot(p: LoadedPipeline): VersionManifest | undefined;
  /** After each batch: persist, re-schedule, watch new imports. */
  onApplied(change: RegistryChange, durationMs: number): void | Promise<void>;
  onConfig(config: ConfigLoad): void;
}

export interface Reloader {
  /** Loads every pipeline file (start-up). */
  loadAll(): Promise<void>;
  /** Queues changed paths; resolves once they are applied. */
  changed(paths: ReadonlySet<string>): Promise<void>;
  /** Resolves when no reload is running or queued. */
  idle(): Promise<void>;
  readonly reloads: number;
  readonly errors: number;
}

export function createReloader(deps: ReloaderDeps): Reloader {
  let queued = new Set<string>();
  let all = false;
  let running: Promise<void> | undefined;
  const counters = { reloads: 0, errors: 0 };

  async function loadFiles(files: string[], configFile: string | undefined): Promise<{ results: FileLoadResult[]; config?: ConfigLoad }> {
    if (files.length === 0 && !configFile) return { results: [] };
    try {
      const { result, config } = await deps.loader.load({ files, ...(configFile ? { configFile } : {}) });
      return { results: result.files, ...(config ? { config } : {}) };
    } catch (error) {
      if (!(error instanceof LoaderError)) throw error;
      if (files.length + (configFile ? 1 : 0) <= 1) {
        const d: Diagnostic = { file: files[0] ?? configFile, code: `loader_${error.reason}`, message: error.message };
        if (configFile) return { results: [], config: { ok: false, diagnostics: [d], message: error.message } };
        return { results: [{ file: files[0]!, pipelines: [], diagnostics: [d], imports: [] }] };
      }
      // one of them took the loader down: load each on its own to find which
      const results: FileLoadResult[] = [];
      let config: ConfigLoad | undefined;
      if (configFile) config = (await loadFiles([], configFile)).config;
      for (const file of files) results.push(...(await loadFiles([file], undefined)).results);
      return { results, ...(config ? { config } : {}) };
    }
  }

  async function batch(paths: ReadonlySet<string>, everything: boolean): Promise<void> {
    const started = performance.now();
    const current = listPipelineFiles(deps.pipelinesDir);
    const known = deps.registry.files();
    const removed = [...known.keys()].filter((f) => !current.includes(f));
    const toLoad = everything
      ? current
      : current.filter((f) => !known.has(f) || paths.has(f) || known.get(f)!.imports.some((i) => paths.has(i)));
    // the config was loaded before the first full load; afterwards only its edits reload it
    const configFile = deps.configFile && paths.has(deps.configFile) && existsSync(deps.configFile) ? deps.configFile : undefined;
    if (toLoad.length === 0 && removed.length === 0 && !configFile) return;
    const { results, config } = await loadFiles(toLoad, configFile);
    if (config) deps.onConfig(config);
    const change = deps.registry.apply(results, removed, deps.snapshot);
    counters.reloads++;
    const ms = performance.now() - started;
    for (const p of change.activated) deps.log.info("pipeline:reload", `${p.name} ${p.version} active (${relative(deps.rootDir, p.file)}, ${ms.toFixed(0)} ms)`, { pipeline: p.name, version: p.version });
    for (const bad of change.invalid) {
      counters.errors++;
      const kept = deps.registry.get(bad.name)?.active?.version;
      deps.log.warn("pipeline:invalid", `${bad.name}: ${kept ? `keeping ${kept} active` : "no valid version"}`, { pipeline: bad.name, diagnostics: bad.diagnostics });
      for (const d of bad.diagnostics) deps.log.warn("pipeline:invalid", `  ${formatDiagnostic(d.file ? { ...d, file: relative(deps.rootDir, d.file) } : d)}`);
    }
    for (const name of change.removed) if (!deps.registry.get(name)) deps.log.info("pipeline:remove", `${name} removed; its schedules stop`, { pipeline: name });
    await deps.onApplied(change, ms);
  }

  async function drain(): Promise<void> {
    while (queued.size > 0 || all) {
      const paths = queued;
      const everything = all;
      queued = new Set();
      all = false;
      try {
        await batch(paths, everything);
      } catch (error) {
        counters.errors++;
        deps.log.error("pipeline:reload", `reload failed: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
    running = undefined;
  }

  const kick = (): Promise<void> => (running ??= drain());

  return {
    loadAll() {
      all = true;
      return kick();
    },
    changed(paths) {
      for (const p of paths) queued.add(p);
      return kick();
    },
    async idle() {
      while (running) await running;
    },
    get reloads() {
      return counters.reloads;
    },
    get errors() {
      return counters.errors;
    },
  };
}
