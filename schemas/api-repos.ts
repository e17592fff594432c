/**
 * @module Request and response shapes of the repository routes: repositories, refs and history (with the run
 * that made each snapshot), the tree at a ref, quick looks and diffs.
 */
import { z } from "zod";
import { RepoSegmentParamSchema, TimestampSchema } from "./api.ts";

export const RepoParamsSchema = z.object({ org: RepoSegmentParamSchema, name: RepoSegmentParamSchema });

/** A branch, tag or snapshot id. */
export const RefQuerySchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9._\-/]+$/, "a branch, tag or snapshot id");
/** A group or array path inside the repository; `..`, absolute paths and odd characters are refused (400). */
export const NodePathQuerySchema = z.string().min(1).max(1024).describe("Array path inside the repository, e.g. xarray/ocean-temp/temp");

export const RepoQuerySchema = z.strictObject({
  ref: RefQuerySchema.optional().describe("Where the history starts (default main)"),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe("Snapshots of history, 1..500"),
});
export const TreeQuerySchema = z.strictObject({ ref: RefQuerySchema.default("main") });
export const QuickLookQuerySchema = z.strictObject({
  array: NodePathQuerySchema,
  ref: RefQuerySchema.default("main"),
  index: z.string().max(1000).optional().describe("Index of each dimension not drawn: time=3,depth=0 (default 0)"),
  base: RefQuerySchema.optional().describe("Draw the change from this ref to `ref` (a diff) instead of the values"),
});
export const DiffQuerySchema = z.strictObject({ from: RefQuerySchema, to: RefQuerySchema.default("main") });

const RefSchema = z.object({ kind: z.enum(["branch", "tag", "snapshot"]), name: z.string(), snapshotId: z.string() });
const MadeBySchema = z.object({ runId: z.string(), pipeline: z.string(), task: z.string().nullable() }).nullable();

export const RepoListSchema = z.object({ items: z.array(z.object({ id: z.string(), org: z.string(), name: z.string() })) });

export const RepoOverviewSchema = z.object({
  repo: z.string(),
  branches: z.array(z.object({ name: z.string(), snapshotId: z.string() })),
  tags: z.array(z.object({ name: z.string(), snapshotId: z.string() })),
  ref: RefSchema,
  history: z.array(z.object({
    id: z.string(), parentId: z.string().nullable(), message: z.string(), writtenAt: TimestampSchema,
    madeBy: MadeBySchema.describe("The floe run and task that committed this snapshot, when a run did"),
  })),
  historyCut: z.boolean(),
});

const NodeSchema = z.object({
  kind: z.enum(["group", "array"]),
  path: z.string(),
  attrs: z.record(z.string(), z.unknown()),
  shape: z.array(z.number()).optional(),
  dtype: z.string().optional(),
  chunks: z.array(z.number()).optional(),
  codecs: z.array(z.string()).optional(),
  dims: z.array(z.string()).optional(),
  fillValue: z.unknown().optional(),
  time: z.object({ first: z.string().nullable(), last: z.string().nullable(), calendar: z.string() }).optional(),
});
export const TreeSchema = z.object({ repo: z.string(), ref: RefSchema, nodes: z.array(NodeSchema), cut: z.boolean() });

export const DiffSchema = z.object({
  repo: z.string(),
  from: RefSchema,
  to: RefSchema,
  groupsAdded: z.array(z.string()),
  groupsRemoved: z.array(z.string()),
  groupsChanged: z.array(z.string()),
  arraysAdded: z.array(z.string()),
  arraysRemoved: z.array(z.string()),
  arraysChanged: z.array(z.object({ path: z.string(), chunksWritten: z.number() })),
});
