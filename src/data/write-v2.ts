/**
 * @module Zarr v2 output (`zarrFormat: 2`): the `.zarray` / `.zattrs` / `.zmetadata` documents xarray 2023.01
 * with zarr 2 writes, derived from the v3 metadata floe plans (write-metadata.ts). The chunk bytes are the same:
 * a v3 `bytes` + compressor chain encodes exactly what the v2 compressor does; only keys differ (`temp/0.1.2`).
 */
import type { Json } from "./metadata.ts";

const V2_TYPES: Record<string, string> = {
  bool: "|b1", int8: "|i1", uint8: "|u1", int16: "<i2", uint16: "<u2", int32: "<i4", uint32: "<u4",
  int64: "<i8", uint64: "<u8", float16: "<f2", float32: "<f4", float64: "<f8", string: "|O",
};
const SHUFFLE: Record<string, number> = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };

function compressor(codec: Json | undefined): Json | null {
  if (!codec) return null;
  const c = (codec.configuration ?? {}) as Json;
  if (codec.name === "blosc") return { id: "blosc", cname: c.cname, clevel: c.clevel, shuffle: SHUFFLE[String(c.shuffle)] ?? 1, blocksize: c.blocksize ?? 0 };
  if (codec.name === "zstd") return { id: "zstd", level: c.level ?? 0 };
  if (codec.name === "gzip") return { id: "gzip", level: c.level ?? 5 };
  throw new TypeError(`no Zarr v2 compressor for codec "${String(codec.name)}"`);
}

/** The `.zarray` and `.zattrs` of a planned v3 array. */
export function v3ToV2(meta: Json): { zarray: Json; zattrs: Json } {
  const dtype = String(meta.data_type);
  const codecs = meta.codecs as Json[];
  const { _FillValue, ...attrs } = meta.attributes as Json;
  const isString = dtype === "string";
  // xarray stores _FillValue as the v2 fill_value (floats as numbers or "NaN"), never as an attribute.
  const fill = typeof _FillValue === "string" && dtype.startsWith("float") ? Buffer.from(_FillValue, "base64").readDoubleLE(0) : _FillValue;
  const jsonFill = typeof fill === "number" && !Number.isFinite(fill) ? (Number.isNaN(fill) ? "NaN" : fill > 0 ? "Infinity" : "-Infinity") : (fill ?? null);
  const zarray: Json = {
    zarr_format: 2,
    shape: meta.shape,
    chunks: (meta.chunk_grid as { configuration: { chunk_shape: number[] } }).configuration.chunk_shape,
    dtype: V2_TYPES[dtype],
    compressor: compressor(codecs[1]),
    fill_value: isString ? null : jsonFill,
    filters: isString ? [{ id: "vlen-utf8" }] : null,
    order: "C",
    dimension_separator: ".",
  };
  return { zarray, zattrs: { ...attrs, _ARRAY_DIMENSIONS: meta.dimension_names } };
}

/** The chunk key of a v2 array (`path/0.1.2`, `path/0` for 0-d). */
export const v2ChunkKey = (path: string, coords: readonly number[]): string => `${path}/${coords.length ? coords.join(".") : "0"}`;

