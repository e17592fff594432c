/**
 * @module `floe repo import` / `export`: a plain Zarr directory into a repository group (as one commit) and a
 * group out to a plain Zarr v3 directory. Zarr v3 objects are copied byte for byte; Zarr v2 arrays (as older
 * xarray writes) are decoded with zarrita and rewritten as v3, chunk by chunk.
 */
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import type { RepoSession } from "../arraylake/session.ts";
import { noNode, RepoCommandError, type Where } from "./repo-errors.ts";

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"));
}

const GROUP = (attributes: Record<string, unknown> = {}) =>
  new TextEncoder().encode(JSON.stringify({ zarr_format: 3, node_type: "group", attributes }));

/** Creates missing parent groups of `group` (and the root) so the hierarchy stays valid. */
async function ensureParents(session: RepoSession, group: string): Promise<void> {
  const parts = group.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const key = [...parts.slice(0, i), "zarr.json"].join("/");
    if (!(await session.store.has(key))) await session.store.set(key, GROUP());
  }
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  return JSON.parse(await readFile(path, "utf8").catch(() => "null")) ?? undefined;
}

/** Copies the Zarr directory `src` into `group` of the session; returns the number of objects written. */
export async function importZarr(src: string, session: RepoSession, group: string): Promise<number> {
  const info = await stat(src).catch(() => undefined);
  if (!info) throw new RepoCommandError(`no such folder: ${src}`);
  if (!info.isDirectory()) throw new RepoCommandError(`not a folder: ${src}`);
  const prefix = group.replace(/^\/+|\/+$/g, "");
  const at = (key: string) => (prefix ? `${prefix}/${key}` : key);
  await ensureParents(session, prefix);
  const all = await files(src);
  const v3 = all.filter((f) => f === "zarr.json" || f.endsWith("/zarr.json"));
  if (v3.length > 0) {
    for (const f of all) if (!f.split("/").some((p) => p.startsWith("."))) await session.store.set(at(f), await readFile(join(src, f)));
    return all.length;
  }
  if (!all.some((f) => /(^|\/)\.z(group|array)$/.test(f))) throw new RepoCommandError(`"${src}" is not a Zarr v2 or v3 directory`);
  let written = 0;
  const source = zarr.root(new FileSystemStore(src));
  for (const f of all.filter((x) => /(^|\/)\.z(group|array)$/.test(x))) {
    const node = dirname(f) === "." ? "" : dirname(f);
    const attrs = (await readJson(join(src, node, ".zattrs"))) ?? {};
    if (f.endsWith(".zgroup")) {
      await session.store.set(at(node ? `${node}/zarr.json` : "zarr.json"), GROUP(attrs));
      written += 1;
      continue;
    }
    const input = await zarr.open.v2(source.resolve(node), { kind: "array" });
    const target = zarr.root(session.store).resolve(at(node));
    const out = await zarr.create(target, {
      shape: input.shape,
      dtype: input.dtype,
      chunkShape: input.chunks,
      codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      attributes: attrs,
      ...(input.fillValue !== null ? { fillValue: input.fillValue } : {}),
    });
    // One source chunk at a time keeps memory bounded.
    const grid = input.shape.map((n, i) => Math.ceil(n / input.chunks[i]!));
    const total = grid.reduce((a, b) => a * b, 1);
    for (let c = 0; c < total; c++) {
      let rest = c;
      const sel = grid.map((_, i) => {
        const stride = grid.slice(i + 1).reduce((a, b) => a * b, 1);
        const idx = Math.floor(rest / stride);
        rest %= stride;
        return zarr.slice(idx * input.chunks[i]!, Math.min((idx + 1) * input.chunks[i]!, input.shape[i]!));
      });
      await zarr.set(out, sel, await zarr.get(input, sel));
      written += 1;
    }
  }
  return written;
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
