/**
 * @module The Zarr v3 metadata floe writes for a variable, as xarray with zarr-python 3 writes it: the stored
 * dtype and CF attributes (`_FillValue` base64 for floats, `scale_factor`, `add_offset`, `missing_value`,
 * `_Unsigned`) from the variable's kept encoding or the one chosen at write time, `dimension_names`, explicit
 * codecs (`bytes` or `vlen-utf8`, then the chosen compressor), and chunk shapes.
 */
import { type CFPlan, cfPlan } from "./cf-codec.mjs";
import { type Encoding, type Variable, sizeOf } from "./dataset.ts";
import { UnsupportedError, where } from "./errors.ts";
import type { Json } from "./metadata.ts";

/** A compressor: `"zstd"` (default, level 0), `"blosc"` (lz4, shuffle), `"gzip"`, `"none"`, or one configured. */
export type Compressor =
  | "zstd" | "blosc" | "gzip" | "none"
  | { name: "zstd"; level?: number | undefined }
  | { name: "gzip"; level?: number | undefined }
  | { name: "blosc"; cname?: "lz4" | "lz4hc" | "zstd" | "zlib" | "blosclz" | undefined; clevel?: number | undefined; shuffle?: "noshuffle" | "shuffle" | "bitshuffle" | undefined };

/** CF encoding chosen for one variable at write time (xarray's `encoding={...}`); stored values are packed. */
export interface VariableEncoding {
  /** Stored dtype, e.g. `int16` with `scaleFactor`. */
  dtype?: string | undefined;
  scaleFactor?: number | undefined;
  addOffset?: number | undefined;
  /** `_FillValue` in stored units: what NaN is written as. */
  fillValue?: number | undefined;
  missingValue?: number | undefined;
  chunks?: readonly number[] | undefined;
  compressor?: Compressor | undefined;
}

const NUMERIC = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64", "bool"]);
const SIZE: Record<string, number> = { int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4 };
export const itemSize = (dtype: string): number => SIZE[dtype] ?? 8;
export const isStringDtype = (dtype: string): boolean => dtype === "string" || dtype === "v2:object" || dtype.startsWith("v2:U");

/** xarray's encoding of a float `_FillValue` attribute in Zarr v3: base64 of the float64 bytes. */
export function encodeFloatFill(value: number): string {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return Buffer.from(bytes).toString("base64");
}

export const jsonFloat = (x: number): number | string => (Number.isNaN(x) ? "NaN" : Number.isFinite(x) ? x : x > 0 ? "Infinity" : "-Infinity");

function codec(compressor: Compressor, dtype: string): Json[] {
  const c = typeof compressor === "string" ? { name: compressor } : compressor;
  switch (c.name) {
    case "none":
      return [];
    case "zstd":
      return [{ name: "zstd", configuration: { level: ("level" in c && c.level) || 0, checksum: false } }];
    case "gzip":
      return [{ name: "gzip", configuration: { level: ("level" in c && c.level) || 5 } }];
    case "blosc": {
      const b = c as Extract<Compressor, { name: "blosc" }>;
      return [{ name: "blosc", configuration: { typesize: itemSize(dtype), cname: b.cname ?? "lz4", clevel: b.clevel ?? 5, shuffle: b.shuffle ?? "shuffle", blocksize: 0 } }];
    }
    default:
      throw new TypeError(`unknown compressor ${JSON.stringify(compressor)} (zstd, blosc, gzip, none)`);
  }
}

/** Does a kept encoding still decode to the variable's dtype? (A float64 result would not fit int16 + offset.) */
function fits(v: Variable): boolean {
  if (!v.encoding.dtype || isStringDtype(v.dtype)) return true;
  try {
    return cfPlan(v.encoding.dtype, v.encoding).dtype === v.dtype;
  } catch {
    return false;
  }
}

/**
 * The CF part of the encoding a variable is written with: the chosen one, none (`null`: stored as decoded),
 * or its own kept encoding when that still decodes to the variable's dtype (else stored as decoded).
 */
export function writeEncoding(v: Variable, chosen: VariableEncoding | null | undefined): Encoding {
  const { dtype: _d, scaleFactor: _s, addOffset: _a, missingValue: _m, unsigned: _u, cf: _c, fillValue, ...rest } = v.encoding;
  if (chosen === null || (chosen === undefined && !fits(v))) return { ...rest, ...(v.dtype.startsWith("float") ? { fillValue: Number.NaN } : {}) };
  if (chosen === undefined) return v.encoding;
  const { chunks: _ch, compressor: _co, ...cf } = chosen;
  const kept = cf.fillValue === undefined && !cf.dtype && fillValue !== undefined ? { fillValue } : {};
  return { ...rest, ...kept, ...cf };
}

export interface PlannedArray {
  meta: Json;
  /** How decoded values become stored ones (`encodeCF`); undefined when they are stored as they are. */
  plan: CFPlan | undefined;
  chunks: number[];
}

/**
 * The `zarr.json` of `v` written with `encoding` (see {@link writeEncoding}) in `chunks`; throws for dtypes
 * floe cannot store (never casts silently).
 */
export function arrayMetadata(group: string, v: Variable, encoding: Encoding, chunks: readonly number[], compressor: Compressor = "zstd"): PlannedArray {
  const ctx = { group, variable: v.name, attribute: "dtype" };
  const isString = isStringDtype(v.dtype);
  const stored = encoding.dtype ?? v.dtype;
  if (!isString && (!NUMERIC.has(v.dtype) || !NUMERIC.has(stored))) {
    throw new UnsupportedError(`${where(ctx)}: cannot write dtype "${stored}" (numbers, bool and strings only)`, ctx);
  }
  let plan: CFPlan | undefined;
  if (!isString && stored !== "bool") {
    try {
      const p = cfPlan(stored, encoding);
      plan = p.identity ? undefined : p;
    } catch (cause) {
      throw new UnsupportedError(`${where(ctx)}: ${(cause as Error).message}`, ctx, { cause });
    }
  }
  const attrs: Json = { ...v.attrs };
  const fill = encoding.fillValue;
  const float = stored.startsWith("float");
  if (float && typeof fill === "number") attrs._FillValue = encodeFloatFill(fill);
  else if (fill !== undefined && !isString && stored !== "bool") attrs._FillValue = fill;
  if (encoding.missingValue !== undefined) attrs.missing_value = encoding.missingValue;
  if (encoding.scaleFactor !== undefined) attrs.scale_factor = encoding.scaleFactor;
  if (encoding.addOffset !== undefined) attrs.add_offset = encoding.addOffset;
  if (encoding.unsigned) attrs._Unsigned = encoding.unsigned;
  if (encoding.coordinates) attrs.coordinates = encoding.coordinates;
  const zarrFill = isString ? "" : float ? (typeof fill === "number" ? jsonFloat(fill) : "NaN") : stored === "bool" ? false : typeof fill === "number" ? fill : 0;
  const meta: Json = {
    shape: [...v.shape],
    data_type: isString ? "string" : stored,
    chunk_grid: { name: "regular", configuration: { chunk_shape: [...chunks] } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: zarrFill,
    codecs: [isString ? { name: "vlen-utf8", configuration: {} } : { name: "bytes", configuration: { endian: "little" } }, ...codec(compressor, stored)],
    attributes: attrs,
    dimension_names: [...v.dims],
    zarr_format: 3,
    node_type: "array",
    storage_transformers: [],
  };
  return { meta, plan, chunks: [...chunks] };
}

/** A chunk shape of at most ~16 MB: halve the leading axes of the whole shape until it fits. */
export function defaultChunks(shape: readonly number[], bytesPerItem: number): number[] {
  const chunks = shape.map((n) => Math.max(1, n));
  for (let axis = 0; axis < chunks.length && sizeOf(chunks) * bytesPerItem > 16 * 2 ** 20; ) {
    if (chunks[axis]! > 1) chunks[axis] = Math.ceil(chunks[axis]! / 2);
    else axis++;
  }
  return chunks;
}
