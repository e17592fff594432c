/**
 * @module `createRepoBrowser`: repositories, refs, history, trees, quick looks and diffs over an Arraylake
 * client. Every ref is resolved to a snapshot id first and quick looks are cached by that id, so a branch that
 * moves never serves an old image.
 */
import { readdir } from "node:fs/promises";
import type { ArraylakeRepo, Client } from "../arraylake/index.ts";
import { cacheKey, createQuickLookCache } from "./cache.ts";
import { snapshotDiff } from "./diff.ts";
import { checkNodePath } from "./paths.ts";
import { renderQuickLook } from "./quicklook.ts";
import { countingStore } from "./counting-store.ts";
import { walkTree, type ListableStore } from "./tree.ts";
import type { RepoBrowser, RepoOverview, RepoSummary } from "./types.ts";

export interface RepoBrowserOptions {
  client: Pick<Client, "getRepo" | "listRepos" | "backend" | "localReposDir">;
  /** Longest side of a map in pixels (default 2048). */
  maxSide?: number | undefined;
  /** Bytes of rendered images kept (default 64 MiB). */
  cacheBytes?: number | undefined;
}

type Ref = RepoOverview["ref"];

const isRefNotFound = (e: unknown): boolean => (e as { _tag?: unknown } | null)?._tag === "RefNotFoundError";

/**
 * @example
 * const browser = createRepoBrowser({ client: new Client() });
 * const look = await browser.quicklook({ repo: "acme/ocean", ref: "main", array: "ocean/temp", index: { time: 0 } });
 */
export function createRepoBrowser(options: RepoBrowserOptions): RepoBrowser {
  const { client } = options;
  const maxSide = options.maxSide ?? 2048;
  const cache = createQuickLookCache(options.cacheBytes ?? 64 * 2 ** 20);
  const repos = new Map<string, Promise<ArraylakeRepo>>();

  const open = (name: string): Promise<ArraylakeRepo> => {
    let repo = repos.get(name);
    if (!repo) {
      repo = client.getRepo(name);
      repos.set(name, repo);
      repo.catch(() => repos.delete(name));
    }
    return repo;
  };
  // A branch first, in one call (the common case, and the one that must never be cached), then tag, snapshot.
  const resolve = async (repo: ArraylakeRepo, ref: string): Promise<Ref> => {
    if (!/^[0-9A-Z]{20}$/.test(ref)) {
      const branch = await repo.lookupBranch(ref).catch((e: unknown) => (isRefNotFound(e) ? undefined : Promise.reject(e)));
      if (branch !== undefined) return { kind: "branch", name: ref, snapshotId: branch };
    }
    return repo.resolveRef(ref);
  };
  const storeAt = async (repo: ArraylakeRepo, snapshotId: string) => (await repo.readonlySession({ snapshotId })).store;

  return {
    async listRepos(opts = {}) {
      const orgs = client.backend === "local"
        ? (await readdir(client.localReposDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name)
        : [...(opts.orgs ?? [])];
      const out: RepoSummary[] = [];
      for (const org of [...new Set(orgs)].sort()) {
        for (const r of await client.listRepos(org).catch(() => [])) out.push({ id: r.id, org: r.org, name: r.name });
      }
      return out;
    },

    async overview(name, opts = {}) {
      const repo = await open(name);
      const [branchNames, tagNames] = await Promise.all([repo.listBranches(), repo.listTags()]);
      const branches = await Promise.all(branchNames.map(async (b) => ({ name: b, snapshotId: await repo.lookupBranch(b) })));
      const tags = await Promise.all(tagNames.map(async (t) => ({ name: t, snapshotId: await repo.lookupTag(t) })));
      const ref = await resolve(repo, opts.ref ?? (branchNames.includes("main") ? "main" : (branchNames[0] ?? "main")));
      const limit = opts.limit ?? 50;
      const all = await repo.ancestry({ snapshotId: ref.snapshotId });
      const history = all.slice(0, limit).map((s) => ({ id: s.id, parentId: s.parentId ?? null, message: s.message, writtenAt: new Date(s.writtenAt).toISOString() }));
      return { repo: name, branches, tags, ref, history, historyCut: all.length > limit };
    },

    async tree(name, ref) {
      const repo = await open(name);
      const at = await resolve(repo, ref);
      const { nodes, cut } = await walkTree(countingStore(await storeAt(repo, at.snapshotId)) as ListableStore);
      return { repo: name, ref: at, nodes, cut };
    },

    async quicklook(request) {
      const array = checkNodePath(request.array);
      const repo = await open(request.repo);
      const at = await resolve(repo, request.ref);
      const base = request.base === undefined ? undefined : await resolve(repo, request.base);
      const key = cacheKey(request.repo, at.snapshotId, base?.snapshotId ?? null, array, request.index);
      const hit = cache.get(key);
      if (hit) return { meta: { ...hit.meta, cached: true, bytesRead: 0 }, bytes: hit.bytes };
      const look = await renderQuickLook({
        repo: request.repo, array, index: request.index, maxSide,
        at: { store: await storeAt(repo, at.snapshotId), snapshotId: at.snapshotId },
        base: base ? { store: await storeAt(repo, base.snapshotId), snapshotId: base.snapshotId } : undefined,
      });
      cache.set(key, look);
      return look;
    },

    async diff(name, from, to) {
      const repo = await open(name);
      const [a, b] = await Promise.all([resolve(repo, from), resolve(repo, to)]);
      return snapshotDiff(repo, a, b);
    },

    async close() {
      repos.clear();
    },
  };
}
