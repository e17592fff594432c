/**
 * @module Coordinates of labelled arrays: small variables held in memory (dimension coordinates, scalar
 * coordinates left by a selection, auxiliary ones such as 2-D lat/lon), indexed along with the data.
 */
import type { Encoding, Variable, VariableData } from "../dataset.ts";
import type { Json } from "../metadata.ts";
import type { Indexer } from "./plan.ts";
import { sizeOf } from "./plan.ts";

export interface Coordinate {
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  /** Values in C order (raw encoded numbers for a CF time coordinate; see `attrs.units`). */
  readonly values: VariableData;
  /** zarrita dtype name: `float64`, `int64`, `string`, ... */
  readonly dtype: string;
  readonly attrs: Json;
  /** How a stored coordinate was encoded (fill value, CF packing): written back with it, as xarray does. */
  readonly encoding?: Encoding | undefined;
}

export type Coords = Readonly<Record<string, Coordinate>>;

/** A label as a comparable value (bigint time values become numbers). */
export type Label = number | string;

export const labelsOf = (c: Coordinate): Label[] =>
  Array.isArray(c.values) ? [...c.values] : Array.from(c.values as ArrayLike<number | bigint>, Number);

/** Same values in another typed array (or string array) of `n` elements. */
function like(values: VariableData, n: number): VariableData {
  if (Array.isArray(values)) return new Array<string>(n);
  return new (values.constructor as new (n: number) => VariableData)(n);
}

/** Positions an indexer picks along an axis of length `len` with output size `size`. */
export function pick(ix: Indexer, size: number): Int32Array {
  if (ix.kind === "at") return Int32Array.of(ix.at);
  if (ix.kind === "take") return ix.index;
  return Int32Array.from({ length: size }, (_, i) => ix.start + i * ix.step);
}

/**
 * Applies per-dimension indexers to a coordinate (dims without one are kept whole); `at` drops the dim.
 * Positions of -1 (outer joins) give NaN, or "" for strings.
 */
export function indexCoord(c: Coordinate, indexers: Readonly<Record<string, { ix: Indexer; size: number }>>): Coordinate {
  if (!c.dims.some((d) => d in indexers)) return c;
  const inShape = c.shape;
  const picks = c.dims.map((d, i) => (indexers[d] ? pick(indexers[d].ix, indexers[d].size) : Int32Array.from({ length: inShape[i]! }, (_, k) => k)));
  const keep = c.dims.map((d) => indexers[d]?.ix.kind !== "at");
  const outShape = picks.map((p) => p.length);
  const n = sizeOf(outShape);
  const out = like(c.values, n) as unknown as { [i: number]: unknown };
  const src = c.values as unknown as { [i: number]: unknown };
  const stride = inShape.map((_, i) => sizeOf(inShape.slice(i + 1)));
  const idx = outShape.map(() => 0);
  const missing = Array.isArray(c.values) ? "" : c.values instanceof BigInt64Array || c.values instanceof BigUint64Array ? 0n : NaN;
  for (let i = 0; i < n; i++) {
    let at = 0;
    let valid = true;
    for (let k = 0; k < idx.length; k++) {
      const p = picks[k]![idx[k]!]!;
      if (p < 0) valid = false;
      at += p * stride[k]!;
    }
    out[i] = valid ? src[at] : missing;
    for (let k = idx.length - 1; k >= 0 && ++idx[k]! === outShape[k]; k--) idx[k] = 0;
  }
  return { ...c, dims: c.dims.filter((_, i) => keep[i]), shape: outShape.filter((_, i) => keep[i]), values: out as unknown as VariableData };
}

/** Equal label lists (identical coordinates need no join). */
export function sameLabels(a: readonly Label[], b: readonly Label[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || (x !== x && b[i] !== b[i]));
}

/** A coordinate as an in-memory variable of that name (to write it, or to read it as a source). */
export const coordinateVariable = (name: string, c: Coordinate): Variable => ({
  name,
  dims: c.dims,
  shape: c.shape,
  dtype: c.dtype,
  attrs: c.attrs,
  encoding: { missing: [] },
  values: c.values,
});
