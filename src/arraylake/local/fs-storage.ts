/**
 * @module Icechunk `Storage` objects over a repository folder: {@link localStorage} for read-write use and
 * {@link v1CompatStorage}, the read-only view for spec-1 repositories whose config the WASM build cannot parse.
 */
import { Storage } from "@earthmover/icechunk";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createFsBackend, type FsBackendOptions } from "./fs-backend.ts";
import { CONFIG_KEY, filterV1Config } from "./v1-config-view.ts";

type CustomBackend = Parameters<typeof Storage.newCustom>[0];

/**
 * A Storage over the folder `root`.
 * @example
 * const repo = await Repository.open(localStorage("/data/repos/acme/climate"));
 */
export function localStorage(root: string, options: FsBackendOptions = {}): Storage {
  // The callbacks take a leading null (Node's error-first convention) that the bundled typings omit.
  return Storage.newCustom(createFsBackend(root, options) as unknown as CustomBackend);
}

/** Read-only storage presenting a filtered `config.yaml`; undefined when the config needs no filtering. */
export async function v1CompatStorage(root: string): Promise<{ storage: Storage; hidden: string[] } | undefined> {
  const text = await readFile(join(root, CONFIG_KEY), "utf8").catch(() => undefined);
  const view = text === undefined ? undefined : filterV1Config(text);
  if (!view) return undefined;
  const filtered = Buffer.from(view.text, "utf8");
  const storage = localStorage(root, {
    readOnly: true,
    transformRead: (key, data) => (key === CONFIG_KEY ? filtered : data),
  });
  return { storage, hidden: view.hidden };
}
