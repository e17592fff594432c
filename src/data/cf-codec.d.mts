/** @module Types of cf-codec.mjs: CF decoding/encoding (scale, offset, fill values, `_Unsigned`) as xarray does it. */

/** Numeric typed arrays the codec reads and writes. */
export type NumericArray =
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array
  | Float32Array | Float64Array;

/** CF attributes that change values, raw (as stored: `_FillValue` in the stored type). */
export interface CFEncodingAttrs {
  fillValue?: unknown;
  missingValue?: unknown;
  scaleFactor?: unknown;
  addOffset?: unknown;
  /** `_Unsigned`: "true" or "false". */
  unsigned?: string | undefined;
}

/** How one variable decodes: plain data, safe to post to a worker thread. */
export interface CFPlan {
  /** Stored dtype (`int16`). */
  raw: string;
  /** Decoded dtype, as xarray's `open_zarr` reports it (`float32`). */
  dtype: string;
  /** True when decoding changes nothing (decodeCF returns its input). */
  identity: boolean;
  /** `_Unsigned` reinterpretation of the raw bits. */
  view?: string | undefined;
  /** Fill values in the (viewed) raw type; decoded to NaN. */
  fills: number[];
  /** dtype masking promoted to, when there are fill values. */
  mask?: string | undefined;
  scale?: number | undefined;
  offset?: number | undefined;
  /** dtype scaling computes in. */
  scaled?: string | undefined;
}

export function arrayClass(dtype: string): (new (n: number) => NumericArray) | undefined;
/** Throws a plain Error when the variable cannot be decoded (the caller adds where). */
export function cfPlan(raw: string, encoding?: CFEncodingAttrs): CFPlan;
/** False for identity plans and for floats that are only masked (reducers skip missing values themselves). */
export function needsDecoding(plan: CFPlan | undefined): boolean;
/** Decoded values (a new array of `plan.dtype`, or `data` itself for an identity plan). */
export function decodeCF(plan: CFPlan, data: NumericArray, out?: NumericArray): NumericArray;
/** Raw values for storage; throws a RangeError naming the element that does not fit. */
export function encodeCF(plan: CFPlan, data: NumericArray): NumericArray;
