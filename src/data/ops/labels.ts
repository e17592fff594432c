/**
 * @module Label arrays: the engine computes numbers only, so an array of labels (xarray's `dt.season`, a `<U3`
 * array) is integer codes plus the CF flag attributes that name them (`flag_values: [0, 1, 2, 3]`,
 * `flag_meanings: "DJF MAM JJA SON"`). Comparisons take the labels (`season.eq("DJF")`, `isin(["DJF", "JJA"])`),
 * and `assignCoords` turns codes back into a string coordinate, so labels read as xarray's wherever a user sees
 * them; written as data, the codes and flags are what CF readers (xarray included) understand.
 */
import type { VariableData } from "../dataset.ts";
import type { Coordinate } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import type { SourceParams } from "../array/plan.ts";
import { InvalidOperationError } from "../errors.ts";
import type { Json } from "../metadata.ts";

/** The CF attributes of codes 0..n-1 naming `labels`. */
export const flagAttrs = (labels: readonly string[]): Json => ({ flag_values: labels.map((_, i) => i), flag_meanings: labels.join(" ") });

/** The labels an array's codes stand for (from `flag_values` / `flag_meanings`), or undefined for plain numbers. */
export function labelsOfArray(a: { readonly attrs: Json }): { values: number[]; labels: string[] } | undefined {
  const { flag_values: values, flag_meanings: meanings } = a.attrs;
  if (!Array.isArray(values) || typeof meanings !== "string") return undefined;
  const labels = meanings.trim().split(/\s+/);
  return labels.length === values.length ? { values: values.map(Number), labels } : undefined;
}

/** The code of one label, or an error listing the labels there are. */
export function codeOf(a: DataArray, label: string, what: string): number {
  const known = labelsOfArray(a);
  if (!known) {
    throw new InvalidOperationError(`${what}("${label}"): "${a.name ?? "this array"}" holds numbers, not labels (no flag_values/flag_meanings attributes)`, {});
  }
  const at = known.labels.indexOf(label);
  if (at < 0) throw new InvalidOperationError(`${what}: no label "${label}" (labels: ${known.labels.join(", ")})`, {});
  return known.values[at]!;
}

/**
 * An in-memory array as a coordinate: label codes become their strings (NaN: "nan", as xarray's season of a
 * missing time); other values are kept. Lazy results must be computed first (coordinates live in memory).
 * @example
 * da.assignCoords({ season: da.coord("time").dt.season }); // a string coordinate along time
 */
export function arrayCoordinate(name: string, a: DataArray): Coordinate {
  const p = a.plan;
  const values = p.op === "source" ? (p.params as SourceParams).variable.values : undefined;
  if (!values) throw new InvalidOperationError(`assignCoords: "${name}" is a lazy result; use \`await array.compute()\` first (coordinates are held in memory)`, { attribute: name });
  const known = labelsOfArray(a);
  if (!known) return { dims: a.dims, shape: a.shape, values, dtype: a.dtype, attrs: a.attrs };
  const byCode = new Map(known.values.map((v, i) => [v, known.labels[i]!] as const));
  const strings = Array.from(values as ArrayLike<number | bigint>, (v) => byCode.get(Number(v)) ?? "nan");
  const { flag_values: _v, flag_meanings: _m, ...attrs } = a.attrs;
  return { dims: a.dims, shape: a.shape, values: strings as VariableData, dtype: "string", attrs };
}
