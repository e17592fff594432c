/**
 * @module Zarr v2 metadata to the v3 metadata an Icechunk repository holds, the way zarr-python 3 migrates it
 * (`zarr.metadata.migrate_v3`) plus what xarray needs to see the same dataset: `_ARRAY_DIMENSIONS` becomes
 * `dimension_names`, the v2 `fill_value` (xarray's `_FillValue`) becomes a `_FillValue` attribute encoded as
 * xarray with zarr-python 3 writes it. Chunks keep their bytes: codec equivalents (order F -> transpose, filters
 * -> `numcodecs.*`, blosc/zstd/gzip as v3 codecs, others `numcodecs.*`) make them valid as they are. Their keys
 * move to the default v3 encoding (`temp/0.1.2` -> `temp/c/0/1/2`, {@link v3ChunkKey}): zarr-python keeps the
 * v2 encoding, but Icechunk accepts only the default one.
 */
import { UnsupportedError, where, type DataErrorContext } from "./errors.ts";
import { type Json, decodeFill, v2Dtype } from "./metadata.ts";
import { encodeFloatFill } from "./write-metadata.ts";

const SHUFFLE: Record<number, string> = { 0: "noshuffle", 1: "shuffle", 2: "bitshuffle" };
const NUMERIC = /^(bool|u?int(8|16|32|64)|float(32|64))$/;

/** Bytes per element of a v2 dtype string (`<f4` -> 4). */
const itemSize = (dtype: string): number => Number(dtype.slice(2)) || 1;

type Codec = { name: string; configuration?: Json };

/** A numcodecs config (`{id, ...}`) as a v3 codec `numcodecs.<id>`. */
function numcodec(config: Json): Codec {
  const { id, ...configuration } = config;
  return { name: `numcodecs.${String(id)}`, configuration };
}

function compressor(config: Json, dtype: string): Codec {
  const { id, ...rest } = config;
  switch (id) {
    case "blosc": {
      const shuffle = Number(rest.shuffle ?? 1);
      // numcodecs' AUTOSHUFFLE (-1): bit shuffle for 1-byte types, byte shuffle otherwise.
      const name = shuffle === -1 ? (itemSize(dtype) === 1 ? "bitshuffle" : "shuffle") : SHUFFLE[shuffle];
      if (!name) throw new Error(`blosc shuffle ${String(rest.shuffle)} is not one of 0, 1, 2, -1`);
      return { name: "blosc", configuration: { typesize: itemSize(dtype), cname: rest.cname ?? "lz4", clevel: rest.clevel ?? 5, shuffle: name, blocksize: rest.blocksize ?? 0 } };
    }
    case "zstd":
      return { name: "zstd", configuration: { level: rest.level ?? 0, checksum: rest.checksum ?? false } };
    case "gzip":
      return { name: "gzip", configuration: { level: rest.level ?? 5 } };
    default:
      return numcodec(config);
  }
}

/** The v3 default fill value of a data type (v3 has no null fill value). */
const defaultFill = (dtype: string): unknown => (dtype === "bool" ? false : dtype === "string" ? "" : 0);

const jsonFill = (value: unknown): unknown =>
  typeof value === "number" && !Number.isFinite(value) ? (Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity") : value;

/**
 * The v3 `zarr.json` of a v2 array from its `.zarray` and `.zattrs`; throws {@link UnsupportedError} naming
 * the field for what has no v3 equivalent here (fixed-length strings, structured dtypes).
 * @example
 * const doc = v2ArrayToV3(zarray, zattrs, { variable: "temp" });
 * doc.dimension_names; // ["time", "lat", "lon"]
 */
export function v2ArrayToV3(zarray: Json, zattrs: Json = {}, ctx: DataErrorContext = {}): Json {
  const raw = zarray.dtype;
  const dtype = v2Dtype(raw);
  const filters = (zarray.filters as Json[] | null | undefined) ?? [];
  const isString = dtype === "v2:object" && filters.some((f) => f.id === "vlen-utf8");
  if (!isString && !NUMERIC.test(dtype)) {
    const c = { ...ctx, attribute: "dtype" };
    throw new UnsupportedError(`${where(c)}: v2 dtype ${JSON.stringify(raw)} has no Zarr v3 equivalent floe can import (numbers, bool, vlen-utf8 strings)`, c);
  }
  const codecs: Codec[] = [];
  const shape = zarray.shape as number[];
  // Order F is a transpose of the C-order chunk (zarr-python: order n-1, ..., 0).
  if (zarray.order === "F" && shape.length > 1) codecs.push({ name: "transpose", configuration: { order: shape.map((_, i) => shape.length - 1 - i) } });
  try {
    if (isString) codecs.push({ name: "vlen-utf8", configuration: {} });
    else {
      for (const f of filters) codecs.push(numcodec(f));
      const endian = (raw as string)[0] === ">" ? "big" : "little";
      codecs.push(itemSize(raw as string) === 1 ? { name: "bytes", configuration: {} } : { name: "bytes", configuration: { endian } });
    }
    if (zarray.compressor) codecs.push(compressor(zarray.compressor as Json, raw as string));
  } catch (cause) {
    const c = { ...ctx, attribute: "compressor" };
    throw new UnsupportedError(`${where(c)}: ${(cause as Error).message}`, c, { cause });
  }
  const v3Type = isString ? "string" : dtype;
  const { _ARRAY_DIMENSIONS: dims, ...attributes } = zattrs;
  const fill = decodeFill(zarray.fill_value);
  // xarray reads a v2 fill_value as _FillValue; in v3 it reads the attribute (floats as base64 of float64).
  if (fill !== null && fill !== undefined && !isString && !("_FillValue" in attributes)) {
    attributes._FillValue = typeof fill === "number" && v3Type.startsWith("float") ? encodeFloatFill(fill) : fill;
  }
  return {
    zarr_format: 3,
    node_type: "array",
    shape,
    data_type: v3Type,
    chunk_grid: { name: "regular", configuration: { chunk_shape: zarray.chunks } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: jsonFill(fill ?? defaultFill(v3Type)),
    codecs,
    attributes,
    ...(Array.isArray(dims) && dims.length === shape.length ? { dimension_names: dims } : {}),
    storage_transformers: [],
  };
}

/** The v3 key (default encoding, relative to the array) of a v2 chunk key (`0.1.2`, or `0/1/2` with "/"). */
export function v3ChunkKey(v2Key: string, zarray: Json): string {
  const separator = (zarray.dimension_separator as string | undefined) ?? ".";
  if ((zarray.shape as number[]).length === 0) return "c";
  return ["c", ...v2Key.split(separator)].join("/");
}

/** The v3 `zarr.json` of a v2 group from its `.zattrs`. */
export function v2GroupToV3(zattrs: Json = {}): Json {
  return { zarr_format: 3, node_type: "group", attributes: zattrs };
}
