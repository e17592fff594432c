/** @module Commit routes: what runs committed, and for one snapshot which run wrote it, from which inputs, with which code. */
import { CommitPageSchema, CommitsQuerySchema, ErrorBodySchema, SnapshotParamsSchema } from "../../../schemas/api.ts";
import { SnapshotLineageSchema } from "../../../schemas/api-runs.ts";
import { NotFoundError } from "../../core/errors.ts";
import { getSnapshotLineage, listCommits } from "../../store/index.ts";
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
    (c, { query }) => {
      const page = listCommits(deps.store, {
        repo: query.repo, pipeline: query.pipeline, runId: query.run, limit: query.limit, cursor: query.cursor,
      });
      return sendJson(c, { items: page.items.map(presentCommit), nextCursor: page.nextCursor });
    },
  );

  router.get(
    {
      path: "/api/repos/:org/:name/snapshots/:id",
      operationId: "getSnapshotLineage",
      summary: "Which run wrote a snapshot, from which input snapshots, with which pipeline version",
      tag: "commits",
      params: SnapshotParamsSchema,
      responses: {
        200: { description: "The snapshot's lineage", schema: SnapshotLineageSchema },
        404: { description: "No run committed this snapshot", schema: ErrorBodySchema },
      },
    },
    (c, { params }) => {
      const repo = `${params.org}/${params.name}`;
      const lineage = getSnapshotLineage(deps.store, repo, params.id);
      if (!lineage) throw new NotFoundError("snapshot", `${repo}@${params.id}`);
      const v = lineage.pipelineVersion;
      return sendJson(c, {
        repo,
        snapshotId: params.id,
        commit: presentCommit(lineage.commit),
        run: presentRun(lineage.run),
        pipelineVersion: v ? { pipeline: v.pipeline, version: v.version, file: v.file, recordedAt: iso(v.createdAt) } : null,
        inputs: lineage.reads.map(presentRead),
      });
    },
  );
}
