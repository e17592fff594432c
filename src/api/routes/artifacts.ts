/** @module Artifact routes: what a run's tasks attached for people (`ctx.artifact.*`), in order, and image bytes. */
import { ArtifactListSchema, ArtifactPathSchema, RunPathSchema } from "../../../schemas/api-runs.ts";
import { ErrorBodySchema } from "../../../schemas/api.ts";
import { NotFoundError } from "../../core/errors.ts";
import { getArtifactContent, listArtifacts, type ArtifactRecord } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { iso } from "../present.ts";
import { sendJson, type Router } from "../route.ts";
import { mustGetRun } from "./run-read.ts";

export const artifactContentPath = (runId: string, seq: number): string => `/api/runs/${encodeURIComponent(runId)}/artifacts/${seq}`;

export function presentArtifact(a: ArtifactRecord): Record<string, unknown> {
  const base = { seq: a.seq, task: a.task, kind: a.kind, title: a.title, size: a.size, createdAt: iso(a.at) };
  switch (a.kind) {
    case "markdown":
      return { ...base, markdown: a.text };
    case "table":
      return { ...base, rows: JSON.parse(a.text) as unknown };
    case "link":
      return { ...base, link: JSON.parse(a.text) as unknown };
    case "image":
      return { ...base, image: { url: artifactContentPath(a.runId, a.seq), mime: a.mime ?? "", alt: a.text } };
  }
}

export function artifactRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    {
      path: "/api/runs/:id/artifacts", operationId: "listRunArtifacts", summary: "What the run's tasks attached for people, in order", tag: "runs",
      params: RunPathSchema,
      responses: { 200: { description: "The artifacts", schema: ArtifactListSchema }, 404: { description: "No such run", schema: ErrorBodySchema } },
    },
    async (c, { params }) => {
      await mustGetRun(deps.store, params.id);
      return sendJson(c, { items: (await listArtifacts(deps.store, params.id)).map(presentArtifact) });
    },
  );

  router.get(
    {
      path: "/api/runs/:id/artifacts/:seq", operationId: "getRunArtifactContent", summary: "An image artifact's bytes (PNG or SVG)", tag: "runs",
      params: ArtifactPathSchema,
      responses: {
        200: { description: "The image", contentType: "image/png", alsoContentTypes: ["image/svg+xml"] },
        400: { description: "seq is not a positive integer", schema: ErrorBodySchema },
        404: { description: "No such run or image artifact", schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const found = await getArtifactContent(deps.store, params.id, params.seq);
      if (!found) throw new NotFoundError("image artifact", `${params.id}/${params.seq}`);
      return c.body(found.content as Uint8Array<ArrayBuffer>, 200, {
        "content-type": found.mime, "x-content-type-options": "nosniff", "cache-control": "private, max-age=86400, immutable",
        // An SVG a task made runs no script and loads nothing, even opened on its own.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      });
    },
  );
}
