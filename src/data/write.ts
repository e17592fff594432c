/**
 * @module `writeDataset`: writes a dataset as xarray with zarr-python 3 does: Zarr v3 arrays with
 * `dimension_names`, attributes, explicit codecs (`bytes` + `zstd`, `vlen-utf8` + `zstd` for strings), explicit
 * fill values (`_FillValue` attribute encoded as xarray does), and consolidated metadata in the group.
 */
import * as zarr from "zarrita";
import "./codecs.ts";
import { type Dataset, type Variable, chunkGrid, chunksOf, readChunk, sizeOf } from "./dataset.ts";
import { UnsupportedError, where } from "./errors.ts";
import type { Json } from "./metadata.ts";
import { type Source, resolveStore } from "./open.ts";
import type { StandaloneStore } from "./store.ts";

const ZSTD = { name: "zstd", configuration: { level: 0, checksum: false } };
const BYTES = { name: "bytes", configuration: { endian: "little" } };
const NUMERIC = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "bool"]);

/** xarray's encoding of a float `_FillValue` attribute in Zarr v3: base64 of the float64 bytes. */
export function encodeFloatFill(value: number): string {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return Buffer.from(bytes).toString("base64");
}

export interface WriteOptions {
  /** Chunk shape per variable name; default the variable's own chunks, or whole arrays up to ~16 MB. */
  chunks?: Readonly<Record<string, readonly number[]>> | undefined;
}

/** A chunk shape of at most ~16 MB: halve the leading axes of the whole shape until it fits. */
function defaultChunks(shape: readonly number[], itemSize: number): number[] {
  const chunks = shape.map((n) => Math.max(1, n));
  for (let axis = 0; axis < chunks.length && sizeOf(chunks) * itemSize > 16 * 2 ** 20; ) {
    if (chunks[axis]! > 1) chunks[axis] = Math.ceil(chunks[axis]! / 2);
    else axis++;
  }
  return chunks;
}

function arrayMetadata(dataset: Dataset, v: Variable, chunks: readonly number[]): Json {
  const ctx = { group: dataset.group, variable: v.name, attribute: "dtype" };
  const isString = v.dtype === "string" || v.dtype === "v2:object" || v.dtype.startsWith("v2:U");
  if (!isString && !NUMERIC.has(v.dtype)) throw new UnsupportedError(`${where(ctx)}: cannot write dtype "${v.dtype}"`, ctx);
  const float = v.dtype.startsWith("float");
  const attrs: Json = { ...v.attrs };
  const fill = v.encoding.fillValue;
  if (float && typeof fill === "number") attrs._FillValue = encodeFloatFill(fill);
  else if (fill !== undefined && !isString) attrs._FillValue = fill;
  if (v.encoding.coordinates) attrs.coordinates = v.encoding.coordinates;
  return {
    shape: [...v.shape],
    data_type: isString ? "string" : v.dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: [...chunks] } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: isString ? "" : float ? (typeof fill === "number" ? jsonFloat(fill) : "NaN") : v.dtype === "bool" ? false : 0,
    codecs: [isString ? { name: "vlen-utf8", configuration: {} } : BYTES, ZSTD],
    attributes: attrs,
    dimension_names: [...v.dims],
    zarr_format: 3,
    node_type: "array",
    storage_transformers: [],
  };
}

const jsonFloat = (x: number): number | string => (Number.isNaN(x) ? "NaN" : Number.isFinite(x) ? x : x > 0 ? "Infinity" : "-Infinity");
const encodeJson = (doc: Json): Uint8Array => new TextEncoder().encode(JSON.stringify(doc, null, 2));
const join = (path: string, name: string): string => (path ? `${path}/${name}` : name);

/** Encodes one chunk-shaped block with an array's codecs, via a one-chunk array in memory. */
async function encodeChunk(meta: Json, chunks: readonly number[], chunk: zarr.Chunk<zarr.DataType>): Promise<Uint8Array> {
  const memory = new Map<string, Uint8Array>();
  const one = new zarr.Array(memory, "/", { ...meta, shape: [...chunks] } as unknown as zarr.ArrayMetadata<zarr.DataType>);
  await zarr.set(one as zarr.Array<zarr.DataType, Map<string, Uint8Array>>, null, chunk as never);
  return memory.get(`/${["c", ...chunks.map(() => 0)].join("/")}`)!;
}

/** Creates missing parent groups (Zarr v3 has no implicit groups). */
async function ensureParents(store: StandaloneStore, group: string): Promise<void> {
  const parts = group.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const path = parts.slice(0, i).join("/");
    if (!(await store.get(`/${join(path, "zarr.json")}`)) && !(await store.get(`/${join(path, ".zgroup")}`))) {
      await store.set(`/${join(path, "zarr.json")}`, encodeJson({ zarr_format: 3, node_type: "group", attributes: {} }));
    }
  }
}

/**
 * Writes `dataset` as group `group` of `target` (Zarr v3). Lazy variables are copied chunk by chunk.
 * @example
 * await writeDataset(session, "xarray/avg-season-temps", await seasonalMean(ds));
 */
export async function writeDataset(target: Source, group: string, dataset: Dataset, options: WriteOptions = {}): Promise<void> {
  const store = resolveStore(target);
  const path = group.replace(/^\/+|\/+$/g, "");
  await ensureParents(store, path);
  const consolidated: Record<string, Json> = {};
  for (const v of Object.values(dataset.variables)) {
    const itemSize = v.dtype.endsWith("64") ? 8 : 4;
    // Lazy variables keep their chunks: they are copied chunk for chunk.
    const chunks = v.values ? (options.chunks?.[v.name] ?? defaultChunks(v.shape, itemSize)) : chunksOf(v);
    const meta = arrayMetadata(dataset, v, chunks);
    const arrayPath = join(path, v.name);
    await store.set(`/${join(arrayPath, "zarr.json")}`, encodeJson(meta));
    consolidated[v.name] = meta;
    if (v.values) {
      const array = new zarr.Array(store, `/${arrayPath}`, meta as unknown as zarr.ArrayMetadata<zarr.DataType>);
      const stride = v.shape.map((_, i) => sizeOf(v.shape.slice(i + 1)));
      await zarr.set(array, null, { data: v.values, shape: [...v.shape], stride } as never);
      continue;
    }
    for (const coords of chunkGrid(v.shape, chunks)) {
      const chunk = await readChunk(v, coords);
      const key = ["c", ...coords].join("/");
      await store.set(`/${join(arrayPath, key)}`, await encodeChunk(meta, chunks, chunk));
    }
  }
  const groupDoc = {
    attributes: { ...dataset.attrs },
    zarr_format: 3,
    consolidated_metadata: { kind: "inline", must_understand: false, metadata: consolidated },
    node_type: "group",
  };
  // The group document goes last: a reader never sees a group whose arrays are not written yet.
  await store.set(`/${join(path, "zarr.json")}`, encodeJson(groupDoc));
}
