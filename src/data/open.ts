/**
 * @module `openDataset`: a lazy, xarray-shaped view of one Zarr group (v2 with or without consolidated
 * metadata, or v3) in any zarrita store, an Icechunk session, or a plain folder on disk.
 */
import * as zarr from "zarrita";
import { asUint16Docs } from "./float16.ts";
import "./codecs.ts";
import type { Dataset, Variable } from "./dataset.ts";
import { DatasetNotFoundError, InvalidDatasetError, UnsupportedError, where } from "./errors.ts";
import { splitCF } from "./cf-variable.ts";
import { type ArrayNode, type Json, arrayNode, readConsolidated, readJson } from "./metadata.ts";
import { type DataStore, FileSystemStore, type StandaloneStore, withStandaloneBuffers } from "./store.ts";

/** A folder path or `file:` URL, a zarrita store, or anything with a `store` (an Icechunk session). */
export type Source = string | URL | DataStore | { readonly store: DataStore };

export interface OpenOptions {
  /** Group path inside the store (`xarray/ocean-temp`); the root when omitted. */
  group?: string | undefined;
  /**
   * Branch, tag or snapshot, for Icechunk sources. floe does not resolve refs here: open the session at
   * the ref and pass it. Given with a plain folder it is an error (folders have no refs).
   */
  ref?: string | undefined;
}

/** The standalone-buffer store behind any source. */
export function resolveStore(source: Source): StandaloneStore {
  if (typeof source === "string" || source instanceof URL) return new FileSystemStore(source instanceof URL ? source.pathname : source);
  if ("get" in source && typeof source.get === "function") return withStandaloneBuffers(source as DataStore);
  if ("store" in source) return withStandaloneBuffers(source.store);
  throw new TypeError("openDataset: source must be a path, a zarrita store, or an object with a `store`");
}

const trimGroup = (group: string | undefined): string => (group ?? "").replace(/^\/+|\/+$/g, "");
const join = (path: string, name: string): string => (path ? `${path}/${name}` : name);
const encoder = new TextEncoder();

/** Serves metadata documents we already hold, so zarrita never re-reads (or misses) them. */
function withDocs(store: StandaloneStore, docs: Map<string, Json>): StandaloneStore {
  return {
    ...store,
    inner: store.inner,
    get: async (key) => {
      const doc = docs.get(key);
      return doc ? encoder.encode(JSON.stringify(doc)) : store.get(key);
    },
    getRange: (key, range) => store.getRange(key, range),
    set: (key, value) => store.set(key, value),
  };
}

/** Names of child arrays, from consolidated metadata or by listing. */
async function childArrays(store: StandaloneStore, group: string, groupDoc: Json): Promise<ArrayNode[]> {
  const consolidated = await readConsolidated(store, group, groupDoc);
  const prefix = group ? `${group}/` : "";
  const isChild = (path: string) => path.startsWith(prefix) && path.length > prefix.length && !path.slice(prefix.length).includes("/");
  if (consolidated?.format === 3) {
    return [...consolidated.entries].filter(([p, d]) => isChild(p) && d.node_type === "array").map(([p, d]) => arrayNode(p, d));
  }
  if (consolidated?.format === 2) {
    const nodes: ArrayNode[] = [];
    for (const [key, doc] of consolidated.entries) {
      if (!key.endsWith("/.zarray")) continue;
      const path = key.slice(0, -"/.zarray".length);
      if (isChild(path)) nodes.push(arrayNode(path, doc, consolidated.entries.get(`${path}/.zattrs`)));
    }
    return nodes;
  }
  if (!store.listDir) {
    throw new UnsupportedError(
      `group "${group}": the store can neither list keys nor has consolidated metadata, so its variables are unknown`,
      { group },
    );
  }
  const nodes: ArrayNode[] = [];
  for (const name of await store.listDir(prefix)) {
    const path = join(group, name.replace(/\/$/, ""));
    if (groupDoc.zarr_format === 3) {
      const doc = await readJson(store, `/${path}/zarr.json`);
      if (doc?.node_type === "array") nodes.push(arrayNode(path, doc));
    } else {
      const doc = await readJson(store, `/${path}/.zarray`);
      if (doc) nodes.push(arrayNode(path, doc, await readJson(store, `/${path}/.zattrs`)));
    }
  }
  return nodes;
}

/** xarray writes a float `_FillValue` in Zarr v3 as base64 of its float64 bytes; "NaN" also occurs. */
export function decodeFillAttribute(value: unknown, dtype: string): unknown {
  if (typeof value !== "string" || !dtype.startsWith("float")) return value;
  const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, "-Infinity": -Infinity };
  if (value in special) return special[value];
  const bytes = Buffer.from(value, "base64");
  return bytes.byteLength === 8 ? bytes.readDoubleLE(0) : value;
}

/** The lazy variable of one array node. */
async function toVariable(store: StandaloneStore, node: ArrayNode, group: string): Promise<Variable> {
  const name = node.path.slice(group ? group.length + 1 : 0);
  const { coordinates, ...rest } = node.attrs;
  // xarray reads a v2 array's Zarr fill_value as its _FillValue; v3 keeps _FillValue as an attribute.
  const fill = node.format === 2 ? (node.fillValue ?? undefined) : decodeFillAttribute(rest._FillValue, node.dtype);
  const cf = splitCF(node.dtype, rest, fill, { group, variable: name });
  let array: zarr.Array<zarr.DataType, StandaloneStore>;
  try {
    // float16: opened as uint16 with the same bytes; readRawChunk widens the values (float16.ts).
    const docs = node.dtype === "float16" ? asUint16Docs(node.docs) : node.docs;
    const location = new zarr.Location(withDocs(store, new Map(Object.entries(docs))), `/${node.path}`);
    array = await (node.format === 3 ? zarr.open.v3 : zarr.open.v2)(location, { kind: "array" });
  } catch (cause) {
    const ctx = { group, variable: name };
    throw new UnsupportedError(`${where(ctx)}: cannot open (dtype ${node.dtype}): ${(cause as Error).message}`, ctx, { cause });
  }
  const dims = node.dims ?? node.shape.map((_, i) => `dim_${i}`);
  if (dims.length !== node.shape.length) {
    const ctx = { group, variable: name, attribute: node.format === 2 ? "_ARRAY_DIMENSIONS" : "dimension_names" };
    throw new InvalidDatasetError(`${where(ctx)}: ${dims.length} names for ${node.shape.length} dimensions`, ctx);
  }
  const encoding = { chunks: node.chunks, ...cf.encoding, missing: cf.missing, ...(typeof coordinates === "string" ? { coordinates } : {}) };
  return { name, dims, shape: node.shape, dtype: cf.dtype, attrs: cf.attrs, encoding, lazy: { node, array } };
}

/**
 * Opens one group of a Zarr store as a lazy dataset: metadata now, chunks when read.
 * @example
 * const ds = await openDataset("/data/ocean.zarr", { group: "xarray/ocean-temp" });
 * ds.variables.temp?.dims; // ["time", "lat", "lon"]
 */
export async function openDataset(source: Source, options: OpenOptions = {}): Promise<Dataset> {
  const group = trimGroup(options.group);
  if (options.ref !== undefined && (typeof source === "string" || source instanceof URL)) {
    throw new UnsupportedError(`ref "${options.ref}" given for a plain Zarr folder, which has no refs`, { group });
  }
  const store = resolveStore(source);
  const groupDoc = (await readJson(store, `/${join(group, "zarr.json")}`)) ?? (await readJson(store, `/${join(group, ".zgroup")}`));
  if (!groupDoc || (groupDoc.zarr_format === 3 && groupDoc.node_type !== "group")) {
    const ctx = { group };
    throw new DatasetNotFoundError(`${where(ctx) || "root group"}: not found (no zarr.json or .zgroup)`, ctx);
  }
  const groupAttrs =
    groupDoc.zarr_format === 3 ? ((groupDoc.attributes as Json | undefined) ?? {}) : ((await readJson(store, `/${join(group, ".zattrs")}`)) ?? {});
  const nodes = (await childArrays(store, group, groupDoc)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const variables: Record<string, Variable> = {};
  const dims: Record<string, number> = {};
  for (const node of nodes) {
    const variable = await toVariable(store, node, group);
    variables[variable.name] = variable;
    variable.dims.forEach((d, i) => (dims[d] = variable.shape[i]!));
  }
  return { group, attrs: groupAttrs, dims, variables, ...splitCoords(variables, groupAttrs), store };
}

/** xarray's split: dimension coordinates plus names listed in CF `coordinates` attributes. */
export function splitCoords(variables: Readonly<Record<string, Variable>>, attrs: Json): { coords: string[]; dataVars: string[] } {
  const coords = new Set<string>();
  const listed = [attrs.coordinates, ...Object.values(variables).map((v) => v.encoding.coordinates)];
  for (const list of listed) if (typeof list === "string") for (const n of list.split(/\s+/)) if (n in variables) coords.add(n);
  for (const v of Object.values(variables)) if (v.dims.length === 1 && v.dims[0] === v.name) coords.add(v.name);
  const names = Object.keys(variables);
  return { coords: names.filter((n) => coords.has(n)), dataVars: names.filter((n) => !coords.has(n)) };
}
