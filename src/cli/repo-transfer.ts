/**
 * @module `floe repo import` / `export`: a plain Zarr directory into a repository group (as one commit) and a
 * group out to a plain Zarr v3 directory. Zarr v3 objects are copied byte for byte; Zarr v2 stores (as older
 * xarray writes) get v3 metadata that keeps their meaning (dimension names, fill values, codecs) over the same
 * chunk bytes.
 */
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { RepoSession } from "../arraylake/session.ts";
import type { Json } from "../data/metadata.ts";
import { eachLimited } from "../data/limit.ts";
import { v2ArrayToV3, v2GroupToV3, v3ChunkKey } from "../data/migrate-v2.ts";
import { noNode, RepoCommandError, type Where } from "./repo-errors.ts";

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"));
}

const encodeJson = (doc: Json): Uint8Array => new TextEncoder().encode(JSON.stringify(doc, null, 2));
const GROUP = () => encodeJson({ zarr_format: 3, node_type: "group", attributes: {} });

/** Creates missing parent groups of `group` (and the root) so the hierarchy stays valid. */
async function ensureParents(session: RepoSession, group: string): Promise<void> {
  const parts = group.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const key = [...parts.slice(0, i), "zarr.json"].join("/");
    if (!(await session.store.has(key))) await session.store.set(key, GROUP());
  }
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new RepoCommandError(`${path} is not valid JSON`);
  }
}

const parentOf = (path: string): string => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");

/**
 * Copies the Zarr directory `src` into `group` of the session; returns the number of objects written.
 * v3 objects are copied as they are; v2 metadata becomes v3 metadata that keeps its meaning (see
 * data/migrate-v2.ts) while chunks keep their bytes and keys. Every node's metadata is translated before
 * anything is written, so an unsupported array fails the import with nothing staged.
 */
export async function importZarr(src: string, session: RepoSession, group: string): Promise<number> {
  const info = await stat(src).catch(() => undefined);
  if (!info) throw new RepoCommandError(`no such folder: ${src}`);
  if (!info.isDirectory()) throw new RepoCommandError(`not a folder: ${src}`);
  const prefix = group.replace(/^\/+|\/+$/g, "");
  const at = (key: string) => (prefix ? (key ? `${prefix}/${key}` : prefix) : key);
  const all = await files(src);
  const copy = (f: string) => async () => session.store.set(at(f), await readFile(join(src, f)));
  if (all.some((f) => f === "zarr.json" || f.endsWith("/zarr.json"))) {
    await ensureParents(session, prefix);
    const objects = all.filter((f) => !f.split("/").some((p) => p.startsWith(".")));
    // Metadata first, parents before children: Icechunk refuses a chunk of an array it does not know yet.
    const isMeta = (f: string) => f === "zarr.json" || f.endsWith("/zarr.json");
    for (const f of objects.filter(isMeta).sort((a, b) => a.split("/").length - b.split("/").length)) await copy(f)();
    await eachLimited(objects.filter((f) => !isMeta(f)), 8, (f) => copy(f)());
    return objects.length;
  }
  if (!all.some((f) => /(^|\/)\.z(group|array)$/.test(f))) throw new RepoCommandError(`"${src}" is not a Zarr v2 or v3 directory`);
  // Consolidated metadata is what xarray reads when it is there; otherwise each node's own documents.
  const consolidated = (await readJson(join(src, ".zmetadata")))?.metadata as Record<string, Json> | undefined;
  const doc = async (key: string) => consolidated?.[key] ?? (await readJson(join(src, key)));
  const docs = new Map<string, Json>();
  const arrays = new Map<string, Json>();
  for (const f of all.filter((x) => /(^|\/)\.z(group|array)$/.test(x))) {
    const node = dirname(f) === "." ? "" : dirname(f);
    const attrs = (await doc(node ? `${node}/.zattrs` : ".zattrs")) ?? {};
    if (f.endsWith(".zgroup")) {
      docs.set(node, v2GroupToV3(attrs));
      continue;
    }
    const zarray = (await doc(f))!;
    try {
      docs.set(node, v2ArrayToV3(zarray, attrs, { variable: node || "/" }));
    } catch (error) {
      throw new RepoCommandError(`${src}: ${(error as Error).message}`, { cause: error });
    }
    arrays.set(node, zarray);
  }
  // v2 allows implicit groups (folders without .zgroup); v3 does not.
  for (const node of [...docs.keys()]) {
    for (let p = node; p !== ""; ) {
      p = parentOf(p);
      if (!docs.has(p)) docs.set(p, v2GroupToV3());
    }
  }
  const arrayOf = (file: string): string | undefined => {
    for (let p = parentOf(file); ; p = parentOf(p)) {
      if (arrays.has(p)) return p;
      if (p === "") return undefined;
    }
  };
  const chunks = all.filter((f) => !f.split("/").some((p) => p.startsWith(".")) && arrayOf(f) !== undefined);
  await ensureParents(session, prefix);
  // Metadata first, parents before children: Icechunk checks a chunk key against its array's metadata.
  const nodes = [...docs.keys()].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
  for (const node of nodes) await session.store.set(at(node ? `${node}/zarr.json` : "zarr.json"), encodeJson(docs.get(node)!));
  await eachLimited(chunks, 8, async (f) => {
    const array = arrayOf(f)!;
    const key = v3ChunkKey(array ? f.slice(array.length + 1) : f, arrays.get(array)!);
    await session.store.set(at(array ? `${array}/${key}` : key), await readFile(join(src, f)));
  });
  return chunks.length + nodes.length;
}

/** Writes every object under `group` to the plain directory `dest`; returns the number of files. */
export async function exportZarr(session: RepoSession, group: string, dest: string, where: Where): Promise<number> {
  const prefix = group.replace(/^\/+|\/+$/g, "");
  // Checked first: Icechunk refuses to list a prefix that is not a node, with a message about key prefixes.
  if (!(await session.store.has(prefix ? `${prefix}/zarr.json` : "zarr.json"))) throw noNode(prefix, where);
  const keys = prefix ? await session.store.list(`${prefix}/`) : await session.store.list();
  for (const key of keys) {
    const bytes = await session.store.get(key);
    if (!bytes) continue;
    const path = join(dest, ...(prefix ? key.slice(prefix.length + 1) : key).split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  return keys.length;
}
