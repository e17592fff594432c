/**
 * @module Repository routes: the repositories floe can see, refs and history (each snapshot with the run that
 * made it), the tree at a ref, quick looks (`image/png` maps, `image/svg+xml` line plots) and snapshot diffs.
 * The browser itself is built by the daemon (a separate process) and reached through {@link ApiDeps.repos}.
 */
import type { Context } from "hono";
import { ErrorBodySchema } from "../../../schemas/api.ts";
import {
  DiffQuerySchema, DiffSchema, QuickLookQuerySchema, RepoListSchema, RepoOverviewSchema, RepoParamsSchema, RepoQuerySchema,
  TreeQuerySchema, TreeSchema,
} from "../../../schemas/api-repos.ts";
import { parseIndexSpec, type RepoBrowser } from "../../browse/index.ts";
import { listCommits } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { RouteNotFoundError } from "../errors.ts";
import { sendJson, type Router } from "../route.ts";

const ERRORS = {
  400: { description: "Bad repository name, ref, path or index", schema: ErrorBodySchema },
  404: { description: "No such repository, ref or array", schema: ErrorBodySchema },
  503: { description: "The browse process is unavailable (it restarts on the next request)", schema: ErrorBodySchema },
} as const;

const SNAPSHOT_ID = /^[0-9A-Z]{20}$/;

function browserOf(deps: ApiDeps): RepoBrowser {
  // Not a server fault: this process serves no repositories (tests, embedded apps).
  if (!deps.repos) throw new RouteNotFoundError("repository browsing is not configured in this process");
  return deps.repos;
}

/** Which run and task committed each snapshot of `repo` (the most recent 1,000 commits). */
export async function madeByIndex(deps: ApiDeps, repo: string): Promise<Map<string, { runId: string; pipeline: string; task: string | null }>> {
  const index = new Map<string, { runId: string; pipeline: string; task: string | null }>();
  for (const c of (await listCommits(deps.store, { repo, limit: 1000 })).items) index.set(c.snapshotId, { runId: c.runId, pipeline: c.pipeline, task: c.task });
  return index;
}

/** A remote backend cannot list every org: those runs committed to (the most recent 1,000 commits). */
export async function touchedOrgs(deps: ApiDeps): Promise<string[]> {
  return [...new Set((await listCommits(deps.store, { limit: 1000 })).items.map((r) => r.repo.split("/")[0]!))];
}

function sendImage(c: Context, bytes: Uint8Array, meta: { contentType: string; snapshotId: string; min: number | null; max: number | null; bytesRead: number; cached: boolean; stride: number[] }, immutable: boolean): Response {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    "content-type": meta.contentType,
    "x-content-type-options": "nosniff",
    // An SVG opened on its own runs no script and loads nothing.
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    // A URL naming a snapshot id always shows the same image; a branch may move.
    "cache-control": immutable ? "private, max-age=86400, immutable" : "no-cache",
    "x-floe-snapshot-id": meta.snapshotId,
    "x-floe-value-range": `${meta.min ?? "null"},${meta.max ?? "null"}`,
    "x-floe-stride": meta.stride.join(","),
    "x-floe-bytes-read": String(meta.bytesRead),
    "x-floe-cache": meta.cached ? "hit" : "miss",
  });
}

export function repoRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    {
      path: "/api/repos", operationId: "listRepos", summary: "Repositories floe can see (local; remote when a token is set)", tag: "repos",
      responses: { 200: { description: "Repositories by id", schema: RepoListSchema }, 503: ERRORS[503] },
    },
    async (c) => sendJson(c, { items: await browserOf(deps).listRepos({ orgs: await touchedOrgs(deps) }) }),
  );

  router.get(
    {
      path: "/api/repos/:org/:name", operationId: "getRepo", summary: "Branches, tags and snapshot history, each snapshot with the run that made it", tag: "repos",
      params: RepoParamsSchema, query: RepoQuerySchema,
      responses: { 200: { description: "The repository", schema: RepoOverviewSchema }, ...ERRORS },
    },
    async (c, { params, query }) => {
      const repo = `${params.org}/${params.name}`;
      const overview = await browserOf(deps).overview(repo, { ref: query.ref, limit: query.limit });
      const made = await madeByIndex(deps, repo);
      return sendJson(c, { ...overview, history: overview.history.map((s) => ({ ...s, madeBy: made.get(s.id) ?? null })) });
    },
  );

  router.get(
    {
      path: "/api/repos/:org/:name/tree", operationId: "getRepoTree", summary: "Groups and arrays at a ref: shape, dtype, chunks, codecs, dimensions, attributes", tag: "repos",
      params: RepoParamsSchema, query: TreeQuerySchema,
      responses: { 200: { description: "The tree", schema: TreeSchema }, ...ERRORS },
    },
    async (c, { params, query }) => sendJson(c, await browserOf(deps).tree(`${params.org}/${params.name}`, query.ref)),
  );

  router.get(
    {
      path: "/api/repos/:org/:name/quicklook", operationId: "getQuickLook", tag: "repos",
      summary: "A quick look of an array at a ref: a 2-D slice as a PNG map, a 1-D array as an SVG line plot",
      description: "The last two dimensions are drawn; `index` picks the others (default 0). Large arrays are decimated " +
        "(only chunks holding a drawn pixel are read). With `base`, draws the change from `base` to `ref`.",
      params: RepoParamsSchema, query: QuickLookQuerySchema,
      responses: {
        200: { description: "The image", contentType: "image/png", alsoContentTypes: ["image/svg+xml"] },
        ...ERRORS,
        422: { description: "The array cannot be drawn (strings, unsupported dtype)", schema: ErrorBodySchema },
      },
    },
    async (c, { params, query }) => {
      const look = await browserOf(deps).quicklook({
        repo: `${params.org}/${params.name}`, ref: query.ref, array: query.array, index: parseIndexSpec(query.index), base: query.base,
      });
      const immutable = SNAPSHOT_ID.test(query.ref) && (query.base === undefined || SNAPSHOT_ID.test(query.base));
      return sendImage(c, look.bytes, look.meta, immutable);
    },
  );

  router.get(
    {
      path: "/api/repos/:org/:name/diff", operationId: "getRepoDiff", summary: "Groups and arrays added, removed and changed between two refs", tag: "repos",
      params: RepoParamsSchema, query: DiffQuerySchema,
      responses: { 200: { description: "The diff", schema: DiffSchema }, ...ERRORS },
    },
    async (c, { params, query }) => sendJson(c, await browserOf(deps).diff(`${params.org}/${params.name}`, query.from, query.to)),
  );
}
