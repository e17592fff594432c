/**
 * @module Where a node finds the code of a run's version: the ONE seam between executing runs and how versions reach a
 * node. `fetch` is the snapshot in this node's state folder, else restored from its bundle in the database
 * (version-bundles.ts, hash checked); `local` is what is on disk already (the SQLite queue reads limits synchronously).
 * @example
 * const versions = createRunVersions({ store, stateDir });
 * const manifest = await versions.fetch(run.pipeline, run.version); // throws VersionBundleError when unavailable
 */
import type { Store } from "../store/index.ts";
import { readManifest } from "./snapshot.ts";
import { versionManifest } from "./version-bundles.ts";
import type { VersionManifest } from "./version-manifest.ts";

export interface RunVersions {
  /** The manifest of `pipeline` at `version`, made available on this node; throws (a clear reason) when it cannot be. */
  fetch(pipeline: string, version: string): Promise<VersionManifest>;
  /** The manifest when it is on this node already, else undefined. */
  local(pipeline: string, version: string): VersionManifest | undefined;
}

export function createRunVersions(deps: { store: Store; stateDir: string }): RunVersions {
  const cache = new Map<string, VersionManifest>();
  const remember = (key: string, manifest: VersionManifest): VersionManifest => {
    if (cache.size >= 256) cache.delete(cache.keys().next().value!); // bounded: months of versions
    cache.set(key, manifest);
    return manifest;
  };
  return {
    local(pipeline, version) {
      const key = `${pipeline}@${version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const manifest = readManifest(deps.stateDir, pipeline, version);
      return manifest && remember(key, manifest); // not cached when absent: it may appear later
    },
    // always through the disk: a pruned (or deleted) snapshot folder is restored, never assumed
    fetch: async (pipeline, version) => remember(`${pipeline}@${version}`, await versionManifest(deps, pipeline, version)),
  };
}
