/**
 * @module Pruning version snapshots: a folder under `<stateDir>/versions/<pipeline>/` is kept while it is a
 * pipeline's active version, one of its most recent versions, or the version of a run that has not ended (a queued
 * run starts on its own version, a crashed run resumes on it). The rest is deleted, so months of edits do not pile up;
 * a pruned version a run needs after all comes back from its bundle in the database (version-bundles.ts).
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { listPipelines, listRunsInStates, pruneVersionBundles, type Store } from "../store/index.ts";
import { BUNDLE_RETENTION } from "./version-bundles.ts";

export function pruneVersions(stateDir: string, keep: ReadonlySet<string>, keepRecent = 10): number {
  const root = join(stateDir, "versions");
  let removed = 0;
  let pipelines: string[];
  try {
    pipelines = readdirSync(root).filter((n) => n !== "node_modules" && n !== "package.json");
  } catch {
    return 0;
  }
  for (const pipeline of pipelines) {
    const dir = join(root, pipeline);
    let versions: { name: string; mtime: number }[];
    try {
      versions = readdirSync(dir).map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }));
    } catch {
      continue;
    }
    versions.sort((a, b) => b.mtime - a.mtime);
    for (const [i, v] of versions.entries()) {
      if (i < keepRecent || keep.has(`${pipeline}/${v.name}`)) continue;
      rmSync(join(dir, v.name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Prunes this node's snapshot folders and the database's bundles alike, keeping what any node's runs may need:
 * every pipeline's active version and the versions of runs not ended (read from the database, so a worker that
 * loads no pipelines prunes what it unpacked too), plus each one's retention.
 */
export async function pruneVersionsAndBundles(store: Store, stateDir: string, now: number): Promise<{ folders: number; bundles: number }> {
  const keep = new Set((await listPipelines(store)).flatMap((p) => (p.activeVersion ? [`${p.name}/${p.activeVersion}`] : [])));
  for (const r of await listRunsInStates(store, ["Scheduled", "Pending", "Running", "Cancelling"])) keep.add(`${r.pipeline}/${r.version}`);
  const folders = pruneVersions(stateDir, keep);
  return { folders, bundles: await pruneVersionBundles(store, { now, ...BUNDLE_RETENTION }) };
}
