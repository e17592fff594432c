/**
 * @module Version snapshots: each pipeline version's module and local imports are copied to
 * `<stateDir>/versions/<pipeline>/<version>/` (same relative layout), and run processes import that copy. So a run
 * finishes on exactly the code it started with, whatever is edited meanwhile. A copy is checked by recomputing the
 * version hash over the copied text: if the file changed between load and copy, the snapshot is refused (the
 * watcher's next reload brings the newer version).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { collectSources } from "../loader/sources.ts";
import type { LoadedPipeline } from "../loader/types.ts";
import { versionOf } from "../plan/version.ts";
import { MANIFEST_FILE, type VersionManifest } from "./version-manifest.ts";

/** Deepest folder containing every path. */
function commonDir(paths: readonly string[]): string {
  let dir = dirname(paths[0]!);
  while (!paths.every((p) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

export function versionDir(stateDir: string, pipeline: string, version: string): string {
  return join(stateDir, "versions", pipeline, version);
}

export function readManifest(stateDir: string, pipeline: string, version: string): VersionManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(versionDir(stateDir, pipeline, version), MANIFEST_FILE), "utf8")) as VersionManifest;
  } catch {
    return undefined;
  }
}

/**
 * Copies a loaded pipeline's sources into its version folder (idempotent) and returns the manifest, or
 * undefined when the files on disk no longer match the loaded version.
 */
export function snapshotVersion(stateDir: string, loaded: LoadedPipeline, now: number): VersionManifest | undefined {
  const existing = readManifest(stateDir, loaded.name, loaded.version);
  if (existing && existsSync(existing.entry)) return existing;
  const sources = collectSources(loaded.file);
  const base = commonDir([...sources.keys()]);
  const target = versionDir(stateDir, loaded.name, loaded.version);
  const staging = `${target}.tmp-${process.pid}-${now}`;
  rmSync(staging, { recursive: true, force: true });
  const copied = new Map<string, string>();
  for (const [path, text] of sources) {
    const to = join(staging, relative(base, path));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
    copied.set(join(target, relative(base, path)), text);
  }
  const entry = join(target, relative(base, loaded.file));
  if (versionOf(loaded.spec, { file: entry, contents: copied }) !== loaded.version) {
    rmSync(staging, { recursive: true, force: true });
    return undefined;
  }
  const manifest: VersionManifest = {
    pipeline: loaded.name, version: loaded.version, exportName: loaded.exportName, entry, sourceFile: loaded.file,
    spec: loaded.spec, plan: loaded.plan, paramsSchema: loaded.paramsSchema, createdAt: now,
  };
  writeFileSync(join(staging, MANIFEST_FILE), JSON.stringify(manifest));
  rmSync(target, { recursive: true, force: true });
  // rename makes the version folder appear complete or not at all
  renameSync(staging, target);
  return manifest;
}

function findPackageRoot(from: string): { dir: string; name?: string; type?: string } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; type?: string };
      return { dir, ...(pkg.name ? { name: pkg.name } : {}), ...(pkg.type ? { type: pkg.type } : {}) };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Makes bare imports in snapshots resolve as they do in the project, wherever the state folder is:
 * `versions/package.json` (same module type) and `versions/node_modules/*` linking to the project's packages,
 * plus the project package itself (so `import "floe"` keeps resolving by name).
 */
export function prepareResolution(stateDir: string, rootDir: string): void {
  const root = join(stateDir, "versions");
  const modules = join(root, "node_modules");
  const pkg = findPackageRoot(rootDir);
  mkdirSync(modules, { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ private: true, type: pkg?.type ?? "module" }));
  const link = (name: string, to: string): void => {
    const at = join(modules, name);
    if (existsSync(at)) return;
    mkdirSync(dirname(at), { recursive: true });
    try {
      symlinkSync(to, at, "junction");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  };
  if (pkg?.name) link(pkg.name, pkg.dir);
  for (let dir = pkg?.dir ?? rootDir; ; dir = dirname(dir)) {
    const nm = join(dir, "node_modules");
    if (existsSync(nm)) {
      for (const name of readdirSync(nm)) if (!name.startsWith(".")) link(name, join(nm, name));
    }
    if (dirname(dir) === dir) break;
  }
}
