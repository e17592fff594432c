/**
 * @module Versions travelling through the database. A node that snapshots a version publishes it as a bundle
 * (insert-if-absent: a thousand reloads store it once); a node that must run a version it has not on disk
 * (another machine loaded it, or its folder was pruned) fetches the bundle, checks it, and unpacks it into
 * `<stateDir>/versions/<pipeline>/<version>/` atomically: a private temporary folder renamed into place, so
 * concurrent unpackers never see half a folder and the first rename wins. The version hash is recomputed over
 * the unpacked text before use; a mismatch fails the run naming both hashes.
 * @example
 * const manifest = await versionManifest({ store, stateDir }, run.pipeline, run.version);
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { NAME_PATTERN } from "../../schemas/common.ts";
import { versionOf } from "../plan/version.ts";
import { getVersionBundle, hasVersionBundle, putVersionBundle, type Db } from "../store/index.ts";
import { decodeBundle, encodeBundle, type PortableManifest } from "./bundle-format.ts";
import { VersionBundleError } from "./errors.ts";
import { readManifest, versionDir } from "./snapshot.ts";
import { MANIFEST_FILE, type VersionManifest } from "./version-manifest.ts";

export interface VersionSource {
  store: Db;
  stateDir: string;
}

/** Files of a snapshot folder by "/"-separated relative path (regular files only; the manifest is not one). */
function snapshotFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && path !== join(dir, MANIFEST_FILE)) files.set(relative(dir, path).split(sep).join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** Stores the snapshot of `manifest` as its version's bundle unless stored already; true when stored now. */
export async function publishVersionBundle(src: VersionSource, manifest: VersionManifest, now: number): Promise<boolean> {
  if (await hasVersionBundle(src.store, manifest.pipeline, manifest.version)) return false;
  const dir = versionDir(src.stateDir, manifest.pipeline, manifest.version);
  const entry = relative(dir, manifest.entry).split(sep).join("/");
  const { content, digest } = encodeBundle({ manifest, entry, files: snapshotFiles(dir) });
  return putVersionBundle(src.store, { pipeline: manifest.pipeline, version: manifest.version, digest, content, createdAt: now });
}

/**
 * A version's manifest (params schema, plan, spec) as its bundle carries it, without unpacking anything: what the
 * CLI needs to submit a run through the database on a machine with no pipelines. The worker checks the hash.
 */
export async function bundledManifest(store: Db, pipeline: string, version: string): Promise<PortableManifest> {
  const stored = await getVersionBundle(store, pipeline, version);
  if (!stored) {
    throw new VersionBundleError(
      `pipeline "${pipeline}" version ${version} has no bundle in the database (a node of this floe publishes it when it loads the pipeline)`,
      { pipeline, version },
    );
  }
  return decodeBundle(stored.content, { pipeline, version, digest: stored.digest }).manifest;
}

const usable = (m: VersionManifest | undefined): m is VersionManifest => m !== undefined && existsSync(m.entry);

/**
 * The manifest of a version, its snapshot on disk: read when present, otherwise restored from its bundle.
 * Throws {@link VersionBundleError} when there is no bundle, or it is malformed, or its hash is not the version.
 */
export async function versionManifest(src: VersionSource, pipeline: string, version: string): Promise<VersionManifest> {
  const local = readManifest(src.stateDir, pipeline, version);
  return usable(local) ? local : restoreVersion(src, pipeline, version);
}

async function restoreVersion(src: VersionSource, pipeline: string, version: string): Promise<VersionManifest> {
  const context = { pipeline, version };
  // both become folder names: a run record is trusted no more than a bundle
  if (!NAME_PATTERN.test(pipeline) || !NAME_PATTERN.test(version)) {
    throw new VersionBundleError(`cannot restore pipeline "${pipeline}" version "${version}": not a pipeline name and version hash`, context);
  }
  const target = versionDir(src.stateDir, pipeline, version);
  const stored = await getVersionBundle(src.store, pipeline, version);
  if (!stored) {
    throw new VersionBundleError(
      `the code of pipeline "${pipeline}" version ${version} is not available: no snapshot in ${target} and no bundle in the database`, context,
    );
  }
  const bundle = decodeBundle(stored.content, { pipeline, version, digest: stored.digest });
  const contents = new Map([...bundle.files].map(([path, text]) => [join(target, path), text]));
  const entry = join(target, bundle.entry);
  const actual = versionOf(bundle.manifest.spec, { file: entry, contents });
  if (actual !== version) {
    throw new VersionBundleError(
      `the bundle of pipeline "${pipeline}" version ${version} does not hash to its version: expected ${version}, actual ${actual} (altered or corrupt; refusing to run it)`,
      { ...context, expected: version, actual },
    );
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.unpack-`);
  try {
    try {
      for (const [path, text] of bundle.files) {
        const to = join(staging, path);
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, text, { flag: "wx" });
      }
    } catch (cause) {
      // e.g. a file "a" and a file "a/b": the bundle is malformed, not the disk
      throw new VersionBundleError(`the bundle of pipeline "${pipeline}" version ${version} is unusable: ${(cause as Error).message}`, context, { cause });
    }
    const manifest: VersionManifest = { ...bundle.manifest, entry };
    writeFileSync(join(staging, MANIFEST_FILE), JSON.stringify(manifest));
    // a folder left incomplete (its entry deleted) is moved aside; one another unpacker just finished is kept
    if (existsSync(target) && !usable(readManifest(src.stateDir, pipeline, version))) {
      const stale = `${target}.stale-${process.pid}-${Date.now()}`;
      try {
        renameSync(target, stale);
        rmSync(stale, { recursive: true, force: true });
      } catch {
        // someone else moved it first
      }
    }
    try {
      renameSync(staging, target);
      return manifest;
    } catch (error) {
      const winner = readManifest(src.stateDir, pipeline, version);
      if (usable(winner)) return winner;
      throw new VersionBundleError(`cannot unpack pipeline "${pipeline}" version ${version} into ${target}: ${(error as Error).message}`, context, { cause: error });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * How long bundles stay in the database once no run needs them: the 10 newest of each pipeline, and any stored
 * in the last 7 days, besides active versions and versions of runs that have not ended (always kept).
 */
export const BUNDLE_RETENTION = { keepRecent: 10, keepForMs: 7 * 24 * 3600_000 } as const;

/** Publishes the bundles of newly activated versions (their snapshots); returns how many were stored now. */
export async function publishVersionBundles(src: VersionSource, manifests: readonly (VersionManifest | null | undefined)[], now: number): Promise<number> {
  let n = 0;
  for (const m of manifests) if (m && (await publishVersionBundle(src, m, now))) n++;
  return n;
}
