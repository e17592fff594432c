/**
 * @module Cache hits that cannot go stale: a result cached under `cache: "inputs"` is reused only while every
 * snapshot its task read is still what the branch or tag it was read through points to (a read by snapshot id
 * never changes). The key itself covers the pipeline version, params and upstream results (engine/cache.ts).
 */
import type { CacheLookup } from "../engine/index.ts";
import type { CachedRead, CacheHit } from "../store/index.ts";
import type { ArraylakeSettings } from "./arraylake.ts";

/** Finds a cached result and the snapshots it read (the store, or the daemon over IPC). */
export type CacheSource = (task: string, cacheKey: string, maxAgeMs?: number) => CacheHit | undefined | Promise<CacheHit | undefined>;

/** Whether each branch or tag read still points at the snapshot that was read; any error means "no". */
export async function readsCurrent(settings: ArraylakeSettings | undefined, reads: readonly CachedRead[]): Promise<boolean> {
  const moving = reads.filter((r) => r.branch !== null || r.tag !== null);
  if (moving.length === 0) return true;
  if (settings === undefined) return false; // no way to look: recompute rather than risk a stale result
  const { Client } = await import("../arraylake/client.ts");
  const client = new Client({
    ...(settings.token !== undefined ? { token: settings.token ?? undefined } : {}),
    serviceUri: settings.serviceUri, localReposDir: settings.localReposDir, cwd: settings.cwd,
  });
  try {
    for (const r of moving) {
      const repo = await client.getRepo(r.repo);
      const head = r.branch !== null ? await repo.lookupBranch(r.branch) : await repo.lookupTag(r.tag!);
      if (head !== r.snapshotId) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** The engine's lookup: a hit counts only while the snapshots behind it are current. */
export function verifiedCacheLookup(source: CacheSource, settings: ArraylakeSettings | undefined): CacheLookup {
  return async (task, cacheKey, maxAgeMs) => {
    const hit = await source(task, cacheKey, maxAgeMs);
    if (hit === undefined) return undefined;
    return (await readsCurrent(settings, hit.reads)) ? hit.resultJson : undefined;
  };
}
