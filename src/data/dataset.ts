/**
 * @module The Dataset model: named variables with dimensions, attributes and either lazy Zarr arrays
 * (read chunk by chunk) or values in memory (results of reductions, ready to write).
 */
import type * as zarr from "zarrita";
import { type CFPlan, type NumericArray, decodeCF } from "./cf-codec.mjs";
import { widenChunk } from "./float16.ts";
import { ChunkError, DatasetNotFoundError, UnsupportedError, where } from "./errors.ts";
import type { ArrayNode, Json } from "./metadata.ts";
import type { StandaloneStore } from "./store.ts";

/** Values of a variable held in memory, in C order. */
export type VariableData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** How a variable is or will be stored (xarray's `encoding`). */
export interface Encoding {
  /** Chunk shape on disk. */
  chunks?: readonly number[] | undefined;
  /** `_FillValue` (CF): the value that marks a missing element. */
  fillValue?: number | string | undefined;
  /** Every value masked as missing when reducing (fill value, `missing_value`); NaN always is. */
  missing: readonly number[];
  /** CF `coordinates`: names of the variable's non-dimension coordinates. */
  coordinates?: string | undefined;
  /** Stored dtype when it differs from the decoded one (`int16` for packed data); written back as it. */
  dtype?: string | undefined;
  /** CF packing (`scale_factor`, `add_offset`), `missing_value` and `_Unsigned`, as stored. */
  scaleFactor?: number | undefined;
  addOffset?: number | undefined;
  missingValue?: number | readonly number[] | undefined;
  unsigned?: "true" | "false" | undefined;
  /** How stored chunks decode (cf-codec.mjs); `readChunk` applies it. Absent when values are stored as they are. */
  cf?: CFPlan | undefined;
}

export interface Variable {
  readonly name: string;
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  /** Decoded data type (xarray's, after CF decoding): `float32`, `int64`, `string`, ... */
  readonly dtype: string;
  /** Attributes without `_ARRAY_DIMENSIONS` and the CF encoding attributes (`_FillValue`, `scale_factor`... see `encoding`). */
  readonly attrs: Json;
  readonly encoding: Encoding;
  /** Present for variables read from a store: the raw node and its zarrita array. */
  readonly lazy?: { node: ArrayNode; array: zarr.Array<zarr.DataType, StandaloneStore> } | undefined;
  /** Present for variables produced chunk by chunk on demand (generated data); read like lazy ones. */
  readonly generated?: { chunks: readonly number[]; read(coords: readonly number[]): Promise<zarr.Chunk<zarr.DataType>> } | undefined;
  /** Present for variables computed in memory. */
  readonly values?: VariableData | undefined;
}

export interface Dataset {
  /** Group path inside the store, "" for the root. */
  readonly group: string;
  readonly attrs: Json;
  /** Dimension name -> length. */
  readonly dims: Readonly<Record<string, number>>;
  /** Variables in name order. */
  readonly variables: Readonly<Record<string, Variable>>;
  /** Names of coordinate variables (dimension coordinates and CF `coordinates`). */
  readonly coords: readonly string[];
  /** Names of data variables: every variable that is not a coordinate. */
  readonly dataVars: readonly string[];
  /** The store a lazy dataset reads from. */
  readonly store?: StandaloneStore | undefined;
}

/** The variable of that name, or a clear error listing the ones there are. */
export function getVariable(dataset: Dataset, name: string): Variable {
  const variable = dataset.variables[name];
  if (!variable) {
    const ctx = { group: dataset.group, variable: name };
    const known = Object.keys(dataset.variables).join(", ") || "none";
    throw new DatasetNotFoundError(`${where(ctx)}: no such variable (variables: ${known})`, ctx);
  }
  return variable;
}

/** Element count of a shape. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Decodes one chunk of a lazy variable (CF decoding included); a failure names the chunk's store key. */
export async function readChunk(variable: Variable, coords: readonly number[]): Promise<zarr.Chunk<zarr.DataType>> {
  if (variable.generated) return variable.generated.read(coords);
  const chunk = await readRawChunk(variable, coords);
  const cf = variable.encoding.cf;
  if (!cf || cf.identity) return chunk;
  return { ...chunk, data: decodeCF(cf, chunk.data as NumericArray) } as zarr.Chunk<zarr.DataType>;
}

/** One chunk of a lazy variable as stored (no CF decoding); a failure names the chunk's store key. */
export async function readRawChunk(variable: Variable, coords: readonly number[]): Promise<zarr.Chunk<zarr.DataType>> {
  if (!variable.lazy) throw new UnsupportedError(`variable "${variable.name}" is in memory, it has no chunks`, { variable: variable.name });
  try {
    const read = await variable.lazy.array.getChunk([...coords]);
    const chunk = variable.lazy.node.dtype === "float16" ? widenChunk(read) : read;
    // Some decoders (blosc in numcodecs.js) return short output for garbage instead of failing.
    const expected = sizeOf(variable.lazy.node.chunks);
    if (chunk.data.length !== expected) throw new Error(`decoded ${chunk.data.length} elements, expected ${expected}`);
    return chunk;
  } catch (cause) {
    const key = variable.lazy.node.chunkKey(coords);
    const ctx = { variable: variable.name, key };
    throw new ChunkError(`${where(ctx)}: cannot read or decode (${(cause as Error).message})`, ctx, { cause });
  }
}

/** Chunk shape of a lazy or generated variable; the whole shape for one in memory. */
export function chunksOf(variable: Variable): readonly number[] {
  return variable.lazy?.node.chunks ?? variable.generated?.chunks ?? variable.shape;
}

/** Every chunk coordinate of a chunk grid, in C order. */
export function* chunkGrid(shape: readonly number[], chunks: readonly number[]): Generator<number[]> {
  const counts = shape.map((n, i) => Math.ceil(n / chunks[i]!));
  if (counts.some((c) => c === 0)) return;
  const coords = counts.map(() => 0);
  for (;;) {
    yield [...coords];
    let axis = coords.length - 1;
    while (axis >= 0 && ++coords[axis]! === counts[axis]) coords[axis--] = 0;
    if (axis < 0) return;
  }
}

/** Loads a whole variable into memory, chunk by chunk (coordinates, small variables). */
export async function readVariable(variable: Variable): Promise<VariableData> {
  if (variable.values) return variable.values;
  const { shape } = variable;
  const chunks = chunksOf(variable);
  let out: VariableData | undefined;
  for (const coords of chunkGrid(shape, chunks)) {
    const chunk = await readChunk(variable, coords);
    const data = chunk.data as unknown as VariableData;
    out ??= (Array.isArray(data) ? new Array<string>(sizeOf(shape)) : new (data.constructor as new (n: number) => VariableData)(sizeOf(shape)));
    copyChunk(data, chunk.stride, coords.map((c, i) => c * chunks[i]!), chunks, out, shape);
  }
  return out ?? (new Float64Array(0) as VariableData);
}

/** Copies the in-bounds part of a decoded chunk into a C-order whole-array buffer. */
function copyChunk(
  src: VariableData,
  srcStride: readonly number[],
  origin: readonly number[],
  chunks: readonly number[],
  dst: VariableData,
  shape: readonly number[],
): void {
  const rank = shape.length;
  const dstStride = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const extent = shape.map((n, i) => Math.min(chunks[i]!, n - origin[i]!));
  const put = dst as unknown as { [i: number]: unknown };
  const get = src as unknown as { [i: number]: unknown };
  const walk = (axis: number, s: number, d: number): void => {
    if (axis === rank) {
      put[d] = get[s];
      return;
    }
    for (let i = 0; i < extent[axis]!; i++) walk(axis + 1, s + i * srcStride[axis]!, d + (origin[axis]! + i) * dstStride[axis]!);
  };
  if (rank === 0) put[0] = get[0];
  else walk(0, 0, 0);
}
