/**
 * @module What changed between two snapshots, from Icechunk's own diff: groups and arrays added, removed and
 * changed (metadata, or chunks written, with their count).
 */
import type { ArraylakeRepo } from "../arraylake/index.ts";
import type { RepoOverview, SnapshotDiff } from "./types.ts";

const strip = (p: string): string => p.replace(/^\/+/, "");
const sorted = (paths: readonly string[]): string[] => paths.map(strip).sort();

export async function snapshotDiff(repo: ArraylakeRepo, from: RepoOverview["ref"], to: RepoOverview["ref"]): Promise<SnapshotDiff> {
  const d = await repo.repository.diff({ fromSnapshotId: from.snapshotId, toSnapshotId: to.snapshotId });
  const chunks = new Map<string, number>();
  for (const [path, coords] of Object.entries((d.updatedChunks ?? {}) as Record<string, unknown[]>)) {
    chunks.set(strip(path), Array.isArray(coords) ? coords.length : 0);
  }
  const added = new Set(sorted(d.newArrays));
  const changed = new Set([...sorted(d.updatedArrays), ...chunks.keys()].filter((p) => !added.has(p)));
  return {
    repo: repo.name,
    from,
    to,
    groupsAdded: sorted(d.newGroups),
    groupsRemoved: sorted(d.deletedGroups),
    groupsChanged: sorted(d.updatedGroups),
    arraysAdded: [...added],
    arraysRemoved: sorted(d.deletedArrays),
    arraysChanged: [...changed].sort().map((path) => ({ path, chunksWritten: chunks.get(path) ?? 0 })),
  };
}
