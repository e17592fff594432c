/**
 * @module Raw Zarr metadata, v2 and v3: reading one node's documents (from consolidated metadata or the
 * store), normalising what floe needs (dims, dtype, fill value, codecs) and encoding chunk keys.
 */
import type { AbsolutePath } from "zarrita";
import { InvalidDatasetError } from "./errors.ts";
import type { StandaloneStore } from "./store.ts";

export type Json = Record<string, unknown>;

/** One array node as found in the store: format, raw docs, and what xarray would call its encoding. */
export interface ArrayNode {
  format: 2 | 3;
  /** Path inside the store without leading slash, e.g. `ocean/temp`. */
  path: string;
  /** The raw metadata documents, keyed by store key (`/ocean/temp/zarr.json`), for re-opening elsewhere. */
  docs: Record<string, Json>;
  shape: number[];
  chunks: number[];
  /** zarrita data type name, or the raw v2 dtype when zarrita has none. */
  dtype: string;
  dims: string[] | undefined;
  attrs: Json;
  /** Zarr-level fill value (v2 `fill_value`, v3 `fill_value`), decoded ("NaN" -> NaN). */
  fillValue: unknown;
  /** Codec (v3) or compressor/filter (v2) names, for support checks. */
  codecs: string[];
  chunkKey: (coords: readonly number[]) => string;
}

const decoder = new TextDecoder();

/** A metadata document as stored (indented, as zarr-python writes it). */
export const encodeJson = (doc: Json): Uint8Array => new TextEncoder().encode(JSON.stringify(doc, null, 2));

/** Reads and parses a JSON document; undefined when absent. */
export async function readJson(store: StandaloneStore, key: string): Promise<Json | undefined> {
  const bytes = await store.get(key as AbsolutePath);
  if (!bytes) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes), (_k, v) => v) as Json;
  } catch (cause) {
    throw new InvalidDatasetError(`metadata "${key}" is not valid JSON`, { key }, { cause });
  }
}

const V2_DTYPES: Record<string, string> = {
  b1: "bool", i1: "int8", u1: "uint8", i2: "int16", u2: "uint16", i4: "int32", u4: "uint32",
  i8: "int64", u8: "uint64", f2: "float16", f4: "float32", f8: "float64",
};

/** The zarrita (v3) name of a v2 dtype, or `v2:<kind>` when v3 has none. */
export function v2Dtype(dtype: unknown): string {
  if (typeof dtype !== "string") return JSON.stringify(dtype);
  if (dtype === "|O") return "v2:object";
  const base = V2_DTYPES[dtype.slice(1)];
  if (base) return base;
  return /^[<>|][US]\d+$/.test(dtype) ? `v2:${dtype.slice(1)}` : dtype;
}

/** "NaN"/"Infinity" strings as numbers; base64 or other fill values pass through. */
export function decodeFill(value: unknown): unknown {
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return value;
}

const join = (path: string, name: string): string => (path ? `${path}/${name}` : name);

/** A node from its docs: `zarr.json` (v3) or `.zarray` + `.zattrs` (v2). */
export function arrayNode(path: string, doc: Json, attrs?: Json): ArrayNode {
  if (doc.zarr_format === 3) {
    const grid = doc.chunk_grid as { configuration?: { chunk_shape?: number[] } } | undefined;
    const encoding = doc.chunk_key_encoding as { name?: string; configuration?: { separator?: string } } | undefined;
    const separator = encoding?.configuration?.separator ?? (encoding?.name === "v2" ? "." : "/");
    const codecs = ((doc.codecs as { name: string; configuration?: Json }[] | undefined) ?? []).flatMap((c) =>
      c.name === "sharding_indexed"
        ? [c.name, ...((c.configuration?.codecs as { name: string }[] | undefined) ?? []).map((inner) => inner.name)]
        : [c.name],
    );
    return {
      format: 3,
      path,
      docs: { [`/${join(path, "zarr.json")}`]: doc },
      shape: doc.shape as number[],
      chunks: grid?.configuration?.chunk_shape ?? (doc.shape as number[]),
      dtype: typeof doc.data_type === "string" ? doc.data_type : JSON.stringify(doc.data_type),
      dims: (doc.dimension_names as (string | null)[] | undefined)?.map((d, i) => d ?? `dim_${i}`),
      attrs: (doc.attributes as Json | undefined) ?? {},
      fillValue: decodeFill(doc.fill_value),
      codecs,
      chunkKey:
        encoding?.name === "v2"
          ? (coords) => `${join(path, coords.length ? coords.join(separator) : "0")}`
          : (coords) => `${join(path, ["c", ...coords].join(separator))}`,
    };
  }
  const all = attrs ?? {};
  const { _ARRAY_DIMENSIONS: dims, ...rest } = all;
  const separator = (doc.dimension_separator as string | undefined) ?? ".";
  const compressor = doc.compressor as { id: string } | null;
  const filters = (doc.filters as { id: string }[] | null) ?? [];
  return {
    format: 2,
    path,
    docs: { [`/${join(path, ".zarray")}`]: doc, [`/${join(path, ".zattrs")}`]: all },
    shape: doc.shape as number[],
    chunks: doc.chunks as number[],
    dtype: v2Dtype(doc.dtype),
    dims: Array.isArray(dims) ? (dims as string[]) : undefined,
    attrs: rest,
    fillValue: decodeFill(doc.fill_value),
    codecs: [...filters.map((f) => f.id), ...(compressor ? [compressor.id] : [])],
    chunkKey: (coords) => join(path, coords.length ? coords.join(separator) : "0"),
  };
}

/** Consolidated metadata of a store, keyed by node path (no leading slash); undefined when absent. */
export interface Consolidated {
  format: 2 | 3;
  /** v2: key -> doc (`temp/.zarray`); v3: node path -> zarr.json doc. */
  entries: Map<string, Json>;
}

/** Reads `.zmetadata` (v2, at the root) or the group's `consolidated_metadata` (v3). */
export async function readConsolidated(store: StandaloneStore, group: string, groupDoc: Json | undefined): Promise<Consolidated | undefined> {
  const v3 = groupDoc?.consolidated_metadata as { metadata?: Record<string, Json> } | null | undefined;
  if (groupDoc?.zarr_format === 3 && v3?.metadata) {
    return { format: 3, entries: new Map(Object.entries(v3.metadata).map(([k, v]) => [join(group, k), v])) };
  }
  if (groupDoc?.zarr_format === 3) return undefined;
  // xarray consolidates at the group it wrote (keys relative to it); older tools only at the root.
  for (const prefix of group ? [group, ""] : [""]) {
    const doc = await readJson(store, `/${join(prefix, ".zmetadata")}`);
    const metadata = doc?.metadata as Record<string, Json> | undefined;
    if (metadata) return { format: 2, entries: new Map(Object.entries(metadata).map(([k, v]) => [join(prefix, k), v])) };
  }
  return undefined;
}
