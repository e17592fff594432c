/**
 * @module CF encoding of one variable as xarray's `open_zarr` splits it: the attributes that change values
 * (`_FillValue`, `missing_value`, `scale_factor`, `add_offset`, `_Unsigned`) leave `attrs` for `encoding`,
 * and the decoded dtype is the one xarray reports. Time variables (`units: "<unit> since <date>"`) keep their
 * stored values: decoding them is cf-time.ts's job.
 */
import { type CFPlan, cfPlan } from "./cf-codec.mjs";
import type { Encoding } from "./dataset.ts";
import { UnsupportedError, where, type DataErrorContext } from "./errors.ts";
import type { Json } from "./metadata.ts";

/** Attributes xarray moves into `encoding` when it decodes a variable. */
export const CF_ENCODING_ATTRS = ["_FillValue", "missing_value", "scale_factor", "add_offset", "_Unsigned"] as const;

export interface CFSplit {
  /** Decoded dtype. */
  dtype: string;
  attrs: Json;
  /** The CF part of the encoding (raw dtype, packing, missing values, the decode plan). */
  encoding: Omit<Encoding, "missing" | "chunks" | "coordinates">;
  /** Raw values that mean "missing" (for reducers folding raw float chunks). */
  missing: number[];
}

const isTime = (attrs: Json): boolean => typeof attrs.units === "string" && / since /.test(attrs.units);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : Array.isArray(v) && typeof v[0] === "number" ? v[0] : undefined);

/** Splits a stored variable's attributes and picks its decoded dtype; `fill` is its `_FillValue` (raw). */
export function splitCF(rawDtype: string, allAttrs: Json, fill: unknown, ctx: DataErrorContext): CFSplit {
  const { _FillValue: _f, missing_value, scale_factor, add_offset, _Unsigned, ...attrs } = allAttrs;
  const missingValue = Array.isArray(missing_value)
    ? missing_value.filter((v): v is number => typeof v === "number")
    : typeof missing_value === "number" ? missing_value : undefined;
  const unsigned = _Unsigned === "true" || _Unsigned === "false" ? _Unsigned : undefined;
  const fillValue = typeof fill === "number" || typeof fill === "string" ? fill : undefined;
  const missing = [fill, ...(Array.isArray(missing_value) ? missing_value : [missing_value])].filter(
    (v): v is number => typeof v === "number" && !Number.isNaN(v),
  );
  const encoding: CFSplit["encoding"] = {
    ...(fillValue !== undefined ? { fillValue } : {}),
    ...(missingValue !== undefined ? { missingValue } : {}),
    ...(num(scale_factor) !== undefined ? { scaleFactor: num(scale_factor) } : {}),
    ...(num(add_offset) !== undefined ? { addOffset: num(add_offset) } : {}),
    ...(unsigned ? { unsigned } : {}),
  };
  for (const [name, value] of [["scale_factor", scale_factor], ["add_offset", add_offset]] as const) {
    if (value !== undefined && num(value) === undefined) {
      const c = { ...ctx, attribute: name };
      throw new UnsupportedError(`${where(c)}: expected a number, got ${JSON.stringify(value)}`, c);
    }
  }
  if (isTime(allAttrs) || rawDtype === "string" || rawDtype.startsWith("v2:") || rawDtype === "bool") {
    return { dtype: rawDtype, attrs, encoding, missing };
  }
  let plan: CFPlan;
  try {
    plan = cfPlan(rawDtype, encoding);
  } catch (cause) {
    const c = { ...ctx, attribute: "dtype" };
    throw new UnsupportedError(`${where(c)}: ${(cause as Error).message}`, c, { cause });
  }
  if (plan.identity) return { dtype: rawDtype, attrs, encoding, missing };
  return { dtype: plan.dtype, attrs, encoding: { ...encoding, dtype: rawDtype, cf: plan }, missing };
}
