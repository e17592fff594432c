/**
 * @module Commit routes: what runs committed, and for one snapshot which run wrote it, from which inputs, with which
 * code, and which runs read it.
 */
import { CommitPageSchema, CommitsQuerySchema, ErrorBodySchema, SnapshotParamsSchema } from "../../../schemas/api.ts";
import { SnapshotLineageSchema, type SnapshotLineageBody } from "../../../schemas/api-runs.ts";
import { NotFoundError } from "../../core/errors.ts";
import { getSnapshotLineage, getSnapshotReaders, listCommits } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { iso, presentCommit, presentRead, presentRun } from "../present.ts";
import { sendJson, type Router } from "../route.ts";

export function commitRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    {
      path: "/api/commits",
      operationId: "listCommits",
      summary: "Commits made by runs, newest first",
      tag: "commits",
      query: CommitsQuerySchema,
      responses: {
        200: { description: "One page of commits", schema: CommitPageSchema },
        400: { description: "Bad query", schema: ErrorBodySchema },
      },
    },
    async (c, { query }) => {
      const page = await listCommits(deps.store, {
        repo: query.repo, pipeline: query.pipeline, runId: query.run, limit: query.limit, cursor: query.cursor,
      });
      return sendJson(c, { items: page.items.map(presentCommit), nextCursor: page.nextCursor });
    },
  );

  router.get(
    {
      path: "/api/repos/:org/:name/snapshots/:id",
      operationId: "getSnapshotLineage",
      summary: "Which run wrote a snapshot, from which input snapshots, with which pipeline version; which runs read it",
      tag: "commits",
      params: SnapshotParamsSchema,
      responses: {
        200: { description: "The snapshot's lineage (commit null when runs only read it)", schema: SnapshotLineageSchema },
        400: { description: "org or name is not a valid repository name segment", schema: ErrorBodySchema },
        404: { description: "No run committed or read this snapshot", schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const repo = `${params.org}/${params.name}`;
      const lineage = await getSnapshotLineage(deps.store, repo, params.id);
      const readBy = (await getSnapshotReaders(deps.store, repo, params.id)).map((r) => ({
        runId: r.runId, pipeline: r.pipeline, state: r.state, tasks: r.tasks, readAt: iso(r.at),
      }));
      if (!lineage && readBy.length === 0) throw new NotFoundError("snapshot", `${repo}@${params.id}`);
      const v = lineage?.pipelineVersion;
      const body: SnapshotLineageBody = {
        repo,
        snapshotId: params.id,
        commit: lineage ? presentCommit(lineage.commit) : null,
        run: lineage ? presentRun(lineage.run) : null,
        pipelineVersion: v ? { pipeline: v.pipeline, version: v.version, file: v.file, recordedAt: iso(v.createdAt) } : null,
        inputs: lineage ? lineage.reads.map(presentRead) : [],
        readBy,
      };
      return sendJson(c, body);
    },
  );
}
