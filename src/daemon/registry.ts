/**
 * @module The pipeline registry: for every pipeline, its current validity, diagnostics and the active version
 * (the current one when valid, else the last good one). Fed by reload results, file by file. A file that fails
 * to load keeps its pipelines' last good versions active; a pipeline gone from a file that loads cleanly (deleted,
 * renamed) is removed, and with it its schedules.
 */
import { basename, extname } from "node:path";
import type { Diagnostic } from "../core/errors.ts";
import type { FileLoadResult, LoadedPipeline } from "../loader/types.ts";
import type { PipelineStatus } from "../api/deps.ts";
import type { VersionManifest } from "./version-manifest.ts";

export interface PipelineEntry extends PipelineStatus {
  /** The active version's snapshot (what runs import). */
  manifest: VersionManifest | null;
}

export interface RegistryChange {
  activated: LoadedPipeline[];
  invalid: { name: string; file: string; diagnostics: Diagnostic[] }[];
  removed: string[];
}

interface FileEntry {
  names: Set<string>;
  imports: string[];
}

export interface Registry {
  /** Applies fresh load results for some files and the removal of others. */
  apply(results: readonly FileLoadResult[], removedFiles: readonly string[], snapshot: (p: LoadedPipeline) => VersionManifest | undefined): RegistryChange;
  get(name: string): PipelineEntry | undefined;
  list(): readonly PipelineEntry[];
  /** Pipeline files known, and the local files each imports. */
  files(): ReadonlyMap<string, { imports: readonly string[] }>;
}

/** Name shown for a file that never produced a valid pipeline: its base name. */
const nameOfFile = (file: string): string => basename(file, extname(file));

export function createRegistry(): Registry {
  const pipelines = new Map<string, PipelineEntry>();
  const files = new Map<string, FileEntry>();
  let cached: PipelineEntry[] | undefined;

  const remove = (name: string, change: RegistryChange): void => {
    if (pipelines.delete(name)) change.removed.push(name);
  };

  function applyFile(result: FileLoadResult, snapshot: (p: LoadedPipeline) => VersionManifest | undefined, change: RegistryChange): void {
    const previous = files.get(result.file)?.names ?? new Set<string>();
    const names = new Set<string>();
    const fileLevel = result.diagnostics.filter((d) => d.pipeline === undefined);
    for (const loaded of result.pipelines) {
      const owner = pipelines.get(loaded.name);
      if (owner && owner.file !== result.file && files.get(owner.file)?.names.has(loaded.name)) {
        const d: Diagnostic = { file: result.file, pipeline: loaded.name, path: "name", code: "duplicate_pipeline", message: `pipeline name "${loaded.name}" is already defined in ${owner.file}` };
        change.invalid.push({ name: loaded.name, file: result.file, diagnostics: [d] });
        continue;
      }
      names.add(loaded.name);
      const manifest = owner?.active?.version === loaded.version && owner.manifest ? owner.manifest : snapshot(loaded);
      if (!manifest) continue; // the file changed while loading; the watcher's next reload brings it
      const entry: PipelineEntry = { name: loaded.name, file: result.file, valid: true, diagnostics: [], active: loaded, manifest };
      if (owner?.active?.version !== loaded.version || !owner.valid) change.activated.push(loaded);
      pipelines.set(loaded.name, entry);
    }
    // pipelines of this file that did not load: invalid (keep last good) if a diagnostic may concern them
    const failed = new Map<string, Diagnostic[]>();
    for (const d of result.diagnostics) {
      if (d.pipeline !== undefined && !names.has(d.pipeline)) failed.set(d.pipeline, [...(failed.get(d.pipeline) ?? []), d]);
    }
    for (const name of previous) {
      if (names.has(name) || failed.has(name)) continue;
      if (fileLevel.length > 0) failed.set(name, fileLevel);
      else remove(name, change);
    }
    if (previous.size === 0 && names.size === 0 && failed.size === 0 && fileLevel.length > 0) failed.set(nameOfFile(result.file), fileLevel);
    for (const [name, diagnostics] of failed) {
      const owner = pipelines.get(name);
      if (owner && owner.file !== result.file) continue; // a name owned by another file is not ours to mark
      names.add(name);
      pipelines.set(name, { name, file: result.file, valid: false, diagnostics, active: owner?.active ?? null, manifest: owner?.manifest ?? null });
      change.invalid.push({ name, file: result.file, diagnostics });
    }
    // a file that now loads without naming a pipeline it used to show under its base name
    files.set(result.file, { names, imports: result.imports });
  }

  return {
    apply(results, removedFiles, snapshot) {
      const change: RegistryChange = { activated: [], invalid: [], removed: [] };
      for (const file of removedFiles) {
        for (const name of files.get(file)?.names ?? []) {
          if (pipelines.get(name)?.file === file) remove(name, change);
        }
        files.delete(file);
      }
      for (const result of results) applyFile(result, snapshot, change);
      cached = undefined;
      return change;
    },
    get: (name) => pipelines.get(name),
    list: () => (cached ??= [...pipelines.values()].sort((a, b) => (a.name < b.name ? -1 : 1))),
    files: () => files,
  };
}
