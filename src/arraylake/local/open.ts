/**
 * @module Opening and creating repositories in folders. A spec-1 repository whose config the WASM build
 * cannot parse is opened read-only through the filtered config view, with a note saying what was hidden.
 */
import { Repository, type RepositoryConfig } from "@earthmover/icechunk";
import { mkdir, readdir, stat } from "node:fs/promises";
import { NotARepositoryError, RepoExistsError, UnsupportedRepositoryError } from "../errors.ts";
import type { LineageObserver } from "../lineage.ts";
import { ArraylakeRepo } from "../repo.ts";
import { guard, icechunkMessage, translateIcechunkError } from "../translate.ts";
import { localStorage, v1CompatStorage } from "./fs-storage.ts";

export interface OpenOptions {
  /** Shown in errors and lineage events: `org/name` or the path. */
  name: string;
  observer: LineageObserver | undefined;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** True when `path` looks like an Icechunk repository (spec 2 `repo` file or spec 1 `refs/` + config). */
export async function looksLikeRepo(path: string): Promise<boolean> {
  const entries = await readdir(path).catch(() => [] as string[]);
  return entries.includes("repo") || (entries.includes("refs") && entries.includes("snapshots"));
}

/** Session settings for files on a local disk (not persisted: applied on every open). */
export const LOCAL_CONFIG: RepositoryConfig = {
  // One read per object: splitting a chunk into concurrent ranges buys nothing from the page cache and
  // makes the WASM side stitch the parts together (a second copy of every chunk byte).
  storage: { concurrency: { idealConcurrentRequestSize: 1 << 30, maxConcurrentRequestsForObject: 1 } },
};

export async function openAt(path: string, options: OpenOptions): Promise<ArraylakeRepo> {
  if (!(await isDir(path))) throw new NotARepositoryError(path);
  const storage = localStorage(path);
  const exists = await Repository.exists(storage).catch(() => false);
  if (!exists) throw new NotARepositoryError(path);
  try {
    const repository = await Repository.open(storage, LOCAL_CONFIG);
    return new ArraylakeRepo({ name: options.name, path, repository, observer: options.observer, local: true });
  } catch (error) {
    const translated = translateIcechunkError(error, { repo: options.name, operation: "open" });
    if (!(translated instanceof UnsupportedRepositoryError)) throw translated;
    const compat = await v1CompatStorage(path);
    if (!compat) throw translated;
    const repository = await guard({ repo: options.name, operation: "open (spec-1 compatibility view)" }, () =>
      Repository.open(compat.storage, LOCAL_CONFIG),
    );
    const note =
      `opened read-only: its config.yaml names virtual chunk containers (${compat.hidden.join(", ")}) of kinds ` +
      `the WebAssembly build of Icechunk cannot represent (${icechunkMessage(error)}); chunks stored in them cannot be read`;
    return new ArraylakeRepo({ name: options.name, path, repository, observer: options.observer, readOnly: true, notes: [note], local: true });
  }
}

export async function createAt(path: string, options: OpenOptions): Promise<ArraylakeRepo> {
  if (await looksLikeRepo(path)) throw new RepoExistsError(options.name);
  await mkdir(path, { recursive: true });
  const storage = localStorage(path);
  await guard({ repo: options.name, operation: "create" }, () => Repository.create(storage));
  // Reopened so that LOCAL_CONFIG applies without being written into the repository's config.
  const repository = await guard({ repo: options.name, operation: "create" }, () => Repository.open(storage, LOCAL_CONFIG));
  return new ArraylakeRepo({ name: options.name, path, repository, observer: options.observer, local: true });
}
