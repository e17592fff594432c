/**
 * @module Turning selections into indexers: positions (`isel`: integers, Python-style slices, lists) and
 * labels (`sel`: exact labels, inclusive label slices on ascending or descending coordinates, lists, and
 * `method: "nearest"`). A missing label is an error listing the nearest labels there are.
 */
import { InvalidOperationError } from "../errors.ts";
import type { Label } from "./coords.ts";
import type { Indexer } from "./plan.ts";

/** A slice: positions for `isel` (stop exclusive), labels for `sel` (both ends inclusive, as xarray). */
export interface Slice {
  readonly kind: "slice";
  readonly start: Label | undefined;
  readonly stop: Label | undefined;
  readonly step: number | undefined;
}

/**
 * xarray's `slice(start, stop, step)`; `undefined` or `null` leaves an end open.
 * @example
 * da.sel({ lat: slice(-30, 30) }); da.isel({ time: slice(-10) });
 */
export function slice(start?: Label | null, stop?: Label | null, step?: number | null): Slice {
  return { kind: "slice", start: start ?? undefined, stop: stop ?? undefined, step: step ?? undefined };
}

export const isSlice = (v: unknown): v is Slice => typeof v === "object" && v !== null && (v as Slice).kind === "slice";

export type IselValue = number | Slice | readonly number[];
export type SelValue = Label | Date | Slice | readonly Label[];

/** An indexer and the length it gives along its dimension (`at` drops the dimension). */
export interface Picked {
  readonly ix: Indexer;
  readonly size: number;
}

/** A position along a dimension of length `len` (negative from the end), or an error naming the range. */
function position(dim: string, len: number, i: number): number {
  const p = i < 0 ? len + i : i;
  if (!Number.isInteger(i) || p < 0 || p >= len) {
    throw new InvalidOperationError(`dimension "${dim}": position ${i} is out of range (length ${len})`, { attribute: dim });
  }
  return p;
}

/** Python's `slice.indices`: start, step and count of a slice over `len` positions. */
function sliceRange(dim: string, len: number, s: Slice): Picked {
  const step = s.step ?? 1;
  if (step === 0 || !Number.isInteger(step)) throw new InvalidOperationError(`dimension "${dim}": slice step must be a non-zero integer`, { attribute: dim });
  const clamp = (v: Label | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (typeof v !== "number" || !Number.isInteger(v)) throw new InvalidOperationError(`dimension "${dim}": isel slices take integer positions, got ${JSON.stringify(v)}`, { attribute: dim });
    const p = v < 0 ? v + len : v;
    return step > 0 ? Math.min(Math.max(p, 0), len) : Math.min(Math.max(p, -1), len - 1);
  };
  const start = clamp(s.start, step > 0 ? 0 : len - 1);
  const stop = clamp(s.stop, step > 0 ? len : -1);
  const size = Math.max(0, Math.ceil((stop - start) / step));
  return { ix: { kind: "range", start, step }, size };
}

/** The indexer of an `isel` value along a dimension of length `len`. */
export function positionIndexer(dim: string, len: number, value: IselValue): Picked {
  if (typeof value === "number") return { ix: { kind: "at", at: position(dim, len, value) }, size: 1 };
  if (isSlice(value)) return sliceRange(dim, len, value);
  const index = Int32Array.from(value, (i) => position(dim, len, i));
  return { ix: { kind: "take", index }, size: index.length };
}

const distance = (a: Label, b: Label): number => (typeof a === "number" && typeof b === "number" ? Math.abs(a - b) : a === b ? 0 : Infinity);

/** The few labels closest to `label`, for error messages. */
function nearest(labels: readonly Label[], label: Label, n = 3): string {
  const ranked = labels.map((l, i) => ({ l, i, d: distance(l, label) }));
  const numeric = typeof label === "number";
  const chosen = numeric ? ranked.sort((a, b) => a.d - b.d).slice(0, n).sort((a, b) => a.i - b.i) : ranked.slice(0, n);
  return chosen.map((c) => JSON.stringify(c.l)).join(", ") + (labels.length > n && !numeric ? ", ..." : "");
}

function missing(dim: string, labels: readonly Label[], label: Label): InvalidOperationError {
  const hint = typeof label === "number" ? '; use { method: "nearest" } to take the closest' : "";
  return new InvalidOperationError(`dimension "${dim}": no label ${JSON.stringify(label)} (nearest: ${nearest(labels, label) || "none"})${hint}`, { attribute: dim });
}

/** Position of the label nearest to `label` (pandas' rule: ties go to the larger label on ascending indexes). */
function nearestPosition(labels: readonly Label[], label: Label, tolerance: number | undefined, dim: string): number {
  let best = -1;
  let bestD = Infinity;
  labels.forEach((l, i) => {
    const d = distance(l, label);
    if (d < bestD || (d === bestD && best >= 0 && l > labels[best]!)) [best, bestD] = [i, d];
  });
  if (best < 0 || (tolerance !== undefined && bestD > tolerance)) throw missing(dim, labels, label);
  return best;
}

function exact(labels: readonly Label[], label: Label, dim: string, method: SelOptions["method"], tolerance?: number): number {
  const i = labels.indexOf(label);
  if (i >= 0) return i;
  if (method === "nearest") return nearestPosition(labels, label, tolerance, dim);
  throw missing(dim, labels, label);
}

export interface SelOptions {
  /** `nearest`: take the closest label instead of failing on a missing one. */
  method?: "nearest" | undefined;
  /** With `nearest`: the largest distance accepted. */
  tolerance?: number | undefined;
}

/** Inclusive label slice on a monotonic coordinate (pandas' `slice_indexer`); descending ones slice high to low. */
function labelSlice(dim: string, labels: readonly Label[], s: Slice): Picked {
  const ascending = labels.every((l, i) => i === 0 || labels[i - 1]! <= l);
  const descending = !ascending && labels.every((l, i) => i === 0 || labels[i - 1]! >= l);
  if (!ascending && !descending) {
    throw new InvalidOperationError(`dimension "${dim}": label slices need a sorted coordinate (sort it first with sortby("${dim}"))`, { attribute: dim });
  }
  const before = (a: Label, b: Label) => (ascending ? a < b : a > b);
  let start = 0;
  if (s.start !== undefined) while (start < labels.length && before(labels[start]!, s.start)) start++;
  let stop = labels.length;
  if (s.stop !== undefined) while (stop > start && before(s.stop, labels[stop - 1]!)) stop--;
  const step = s.step ?? 1;
  if (step < 1 || !Number.isInteger(step)) throw new InvalidOperationError(`dimension "${dim}": label slice step must be a positive integer`, { attribute: dim });
  return { ix: { kind: "range", start, step }, size: Math.max(0, Math.ceil((stop - start) / step)) };
}

/** The indexer of a `sel` value against a dimension's labels. */
export function labelIndexer(dim: string, labels: readonly Label[], value: Label | Slice | readonly Label[], options: SelOptions = {}): Picked {
  if (isSlice(value)) return labelSlice(dim, labels, value);
  if (Array.isArray(value)) {
    const index = Int32Array.from(value as Label[], (l) => exact(labels, l, dim, options.method, options.tolerance));
    return { ix: { kind: "take", index }, size: index.length };
  }
  return { ix: { kind: "at", at: exact(labels, value as Label, dim, options.method, options.tolerance) }, size: 1 };
}
