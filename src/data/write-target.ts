/**
 * @module Writing into an array that is already stored, in its own Zarr format: append and region writes take
 * the array's chunk keys and metadata as they are. A v2 array is encoded through its v3 equivalent
 * (migrate-v2.ts: the same chunk bytes, as `floe repo import` relies on) and keeps its `.zarray`, its keys
 * (`temp/3.0.0`) and the consolidated `.zmetadata` xarray reads; a v3 array keeps its `zarr.json`.
 */
import type { Variable } from "./dataset.ts";
import { UnsupportedError, where, type DataErrorContext } from "./errors.ts";
import { knownCodecs } from "./codecs.ts";
import { type Json, encodeJson, readJson } from "./metadata.ts";
import { v2ArrayToV3 } from "./migrate-v2.ts";
import type { StandaloneStore } from "./store.ts";
import type { ArrayTarget } from "./write-chunks.ts";

type Stored = Variable & { lazy: NonNullable<Variable["lazy"]> };

const docOf = (v: Stored, name: string): Json | undefined => {
  const key = Object.keys(v.lazy.node.docs).find((k) => k.endsWith(`/${name}`) || k === name);
  return key === undefined ? undefined : v.lazy.node.docs[key];
};

/**
 * The target of writes into a stored array; refused, before anything is written, when floe cannot encode its
 * codecs (a v2 filter such as `delta`).
 * @example
 * const target = storedTarget(store, stored.variables.temp, ctx);
 * await writeRegionChunks(target, today.variables.temp, { origin: [730, 0, 0], partial: "merge", ctx });
 */
export function storedTarget(store: StandaloneStore, v: Stored, ctx: DataErrorContext, shape: readonly number[] = v.lazy.node.shape): ArrayTarget {
  const node = v.lazy.node;
  const base = node.format === 3 ? docOf(v, "zarr.json")! : v2ArrayToV3(docOf(v, ".zarray")!, docOf(v, ".zattrs") ?? {}, ctx);
  const meta: Json = { ...base, shape: [...shape] };
  const codecs = knownCodecs();
  for (const codec of meta.codecs as { name: string }[]) {
    if (codec.name !== "bytes" && codec.name !== "transpose" && !codecs.has(codec.name)) {
      const c = { ...ctx, attribute: node.format === 2 ? "filters" : "codecs" };
      throw new UnsupportedError(`${where(c)}: cannot write chunks with codec "${codec.name}" (Zarr v${node.format}); rewrite the group with writeDataset first`, c);
    }
  }
  return { store, path: node.path, meta, plan: v.encoding.cf, chunkKey: node.chunkKey, stored: v.lazy.array };
}

/**
 * Stores an array's metadata with a new shape, in its format: `zarr.json` (v3; the group's consolidated entry
 * too) or `.zarray` (v2; the `.zmetadata` at the group or the root too).
 */
export async function storeShape(store: StandaloneStore, group: string, v: Stored, shape: readonly number[]): Promise<void> {
  const node = v.lazy.node;
  const name = node.format === 3 ? "zarr.json" : ".zarray";
  const doc = { ...docOf(v, name)!, shape: [...shape] };
  await store.set(`/${node.path}/${name}`, encodeJson(doc));
  const prefixes = node.format === 3 ? [group] : group ? [group, ""] : [""];
  for (const prefix of prefixes) {
    const key: `/${string}` = `/${prefix ? `${prefix}/` : ""}${node.format === 3 ? "zarr.json" : ".zmetadata"}`;
    const outer = await readJson(store, key);
    const entries = (node.format === 3 ? (outer?.consolidated_metadata as Json | null | undefined)?.metadata : outer?.metadata) as Record<string, Json> | undefined;
    const entry = node.format === 3 ? node.path.slice(prefix ? prefix.length + 1 : 0) : `${node.path.slice(prefix ? prefix.length + 1 : 0)}/${name}`;
    if (!entries?.[entry]) continue;
    entries[entry] = doc;
    await store.set(key, encodeJson(outer!));
    return;
  }
}
