/**
 * @module Branch heads for data triggers, read through the daemon's own Arraylake client (created on first use, so
 * a daemon without triggers never loads the Icechunk library), and where a named local repository lives on disk.
 */
import { join } from "node:path";
import { parseRepoTarget } from "../arraylake/names.ts";
import type { HeadReader } from "./triggers.ts";

export function createHeadReader(settings: { localReposDir: string; cwd: string; remote: boolean; token: string | undefined }): HeadReader {
  let client: Promise<{ getRepo(name: string): Promise<{ lookupBranch(b: string): Promise<string> }>; close(): void }> | undefined;
  const get = () =>
    (client ??= import("../arraylake/client.ts").then(({ Client }) => new Client({ localReposDir: settings.localReposDir, cwd: settings.cwd, token: settings.token })));
  return {
    async head(repo, branch) {
      return (await (await get()).getRepo(repo)).lookupBranch(branch);
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
