/**
 * @module The version bundle format: a snapshot's files (paths relative to the version folder, "/"-separated) and
 * its manifest (entry relative too), as gzipped JSON. A bundle read from the database is outside data: the
 * document is validated with zod, every path must stay inside the version folder (no "..", no absolute path, no
 * drive, no backslash), and the format has no links, so unpacking only ever writes regular files inside it.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import type { Plan } from "../plan/types.ts";
import { VersionBundleError } from "./errors.ts";
import { MANIFEST_FILE, type VersionManifest } from "./version-manifest.ts";

const FORMAT = "floe-bundle-1";
/** A bundle larger than this once decompressed is refused (pipeline code is kilobytes). */
const MAX_BYTES = 64 * 1024 * 1024;

/** The manifest as a bundle carries it: `entry` relative to the version folder. */
export type PortableManifest = Omit<VersionManifest, "entry">;

export interface Bundle {
  manifest: PortableManifest;
  /** The entry module, relative to the version folder. */
  entry: string;
  /** File contents by relative path. */
  files: ReadonlyMap<string, string>;
}

/** A relative path that stays inside its folder: no empty, "." or ".." segment, no root, drive or backslash. */
export function isSafeRelativePath(path: string): boolean {
  if (path === "" || path.length > 1024 || path.startsWith("/") || /[\\\0:]/.test(path)) return false;
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

const RelativePath = z.string().refine(isSafeRelativePath, "a relative path inside the version folder (no '..', no absolute path)");

const DocumentSchema = z.object({
  format: z.literal(FORMAT),
  entry: RelativePath,
  manifest: z.object({
    pipeline: z.string(), version: z.string(), exportName: z.string(), sourceFile: z.string(),
    spec: z.record(z.string(), z.unknown()), plan: z.record(z.string(), z.unknown()),
    paramsSchema: z.record(z.string(), z.unknown()), createdAt: z.number(),
  }),
  files: z.array(z.tuple([RelativePath, z.string()])),
});

export const digestOf = (content: Uint8Array): string => createHash("sha256").update(content).digest("hex");

/** The compressed bundle of a snapshot and its digest. `files` are keyed by path relative to the version folder. */
export function encodeBundle(bundle: Bundle): { content: Buffer; digest: string } {
  const { manifest, entry, files } = bundle;
  const portable: PortableManifest = {
    pipeline: manifest.pipeline, version: manifest.version, exportName: manifest.exportName, sourceFile: manifest.sourceFile,
    spec: manifest.spec, plan: manifest.plan, paramsSchema: manifest.paramsSchema, createdAt: manifest.createdAt,
  };
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const content = gzipSync(JSON.stringify({ format: FORMAT, entry, manifest: portable, files: sorted }), { level: 9 });
  return { content, digest: digestOf(content) };
}

/** Reads a bundle fetched for `pipeline`/`version`, refusing anything malformed or altered in transit. */
export function decodeBundle(content: Buffer, want: { pipeline: string; version: string; digest: string }): Bundle {
  const bad = (why: string, cause?: unknown): VersionBundleError =>
    new VersionBundleError(`the bundle of pipeline "${want.pipeline}" version ${want.version} is unusable: ${why}`, want, { cause });
  const actual = digestOf(content);
  if (actual !== want.digest) throw bad(`its content digest is ${actual}, the database recorded ${want.digest}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(content, { maxOutputLength: MAX_BYTES }).toString("utf8"));
  } catch (cause) {
    throw bad(`not a gzipped JSON document of at most ${MAX_BYTES} bytes`, cause);
  }
  const doc = DocumentSchema.safeParse(parsed);
  if (!doc.success) {
    const issue = doc.error.issues[0]!;
    throw bad(`${issue.path.join(".") || "(document)"}: ${issue.message}`);
  }
  const { manifest, entry, files } = doc.data;
  if (manifest.pipeline !== want.pipeline || manifest.version !== want.version) {
    throw bad(`it holds pipeline "${manifest.pipeline}" version ${manifest.version}`);
  }
  const map = new Map<string, string>();
  for (const [path, text] of files) {
    if (map.has(path) || path === MANIFEST_FILE) throw bad(`files: "${path}" is listed twice or shadows the manifest`);
    map.set(path, text);
  }
  if (!map.has(entry)) throw bad(`its entry "${entry}" is not among its files`);
  return {
    entry, files: map,
    manifest: { ...manifest, spec: manifest.spec as unknown as PipelineSpec, plan: manifest.plan as unknown as Plan, paramsSchema: manifest.paramsSchema },
  };
}
