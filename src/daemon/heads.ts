/**
 * @module Branch heads for data triggers, read through the daemon's own Arraylake client (created on first use, so
 * a daemon without triggers never loads the Icechunk library): the head, the snapshots since a cursor, the paths a
 * range of snapshots changed, and where a named local repository lives on disk.
 */
import { join } from "node:path";
import { parseRepoTarget } from "../arraylake/names.ts";
import type { HeadReader } from "./triggers.ts";

interface RepoLike {
  lookupBranch(b: string): Promise<string>;
  ancestry(ref: { snapshotId: string }): Promise<{ id: string }[]>;
  repository: {
    diff(r: { fromSnapshotId: string; toSnapshotId: string }): Promise<{
      newGroups: string[]; newArrays: string[]; deletedGroups: string[]; deletedArrays: string[];
      updatedGroups: string[]; updatedArrays: string[]; updatedChunks?: Record<string, unknown> | undefined;
    }>;
  };
}

/** How far back `since` looks for the cursor before giving up (a reset branch, or a cursor far behind). */
const MAX_SINCE = 1000;

export function createHeadReader(settings: { localReposDir: string; cwd: string; remote: boolean; token: string | undefined }): HeadReader {
  let client: Promise<{ getRepo(name: string): Promise<RepoLike>; close(): void }> | undefined;
  const get = () =>
    (client ??= import("../arraylake/client.ts").then(({ Client }) => new Client({ localReposDir: settings.localReposDir, cwd: settings.cwd, token: settings.token }) as never));
  const repoOf = async (repo: string): Promise<RepoLike> => (await get()).getRepo(repo);
  return {
    async head(repo, branch) {
      return (await repoOf(repo)).lookupBranch(branch);
    },
    async since(repo, cursor, head) {
      const ancestry = await (await repoOf(repo)).ancestry({ snapshotId: head });
      const i = ancestry.slice(0, MAX_SINCE + 1).findIndex((s) => s.id === cursor);
      return i < 0 ? undefined : ancestry.slice(0, i).map((s) => s.id).reverse();
    },
    async changedPaths(repo, from, to) {
      const d = await (await repoOf(repo)).repository.diff({ fromSnapshotId: from, toSnapshotId: to });
      return [
        ...d.newGroups, ...d.newArrays, ...d.deletedGroups, ...d.deletedArrays, ...d.updatedGroups, ...d.updatedArrays,
        ...Object.keys(d.updatedChunks ?? {}),
      ];
    },
    localDir(repo) {
      try {
        const target = parseRepoTarget(repo, settings.cwd);
        if (target.kind === "path") return target.path;
        return settings.remote ? undefined : join(settings.localReposDir, target.org, target.name);
      } catch {
        return undefined;
      }
    },
    close() {
      void client?.then((c) => c.close(), () => undefined);
    },
  };
}
