/**
 * @module Leaves of a plan: a stored, generated or in-memory `Variable` as a `source` node. Missing-value
 * markers (`_FillValue`, `missing_value`) read as NaN, so integers that have them become floats as in xarray.
 */
import { chunksOf, type Variable } from "../dataset.ts";
import { UnsupportedError, where } from "../errors.ts";
import { type DType, isFloat, parseDType } from "./dtypes.ts";
import { type PlanNode, type SourceParams, node } from "./plan.ts";

/** xarray's float for masked integers: float32 up to 16 bits, float64 beyond. */
const maskedDType = (d: DType): DType => (isFloat(d) ? d : ["int8", "int16", "uint8", "uint16"].includes(d) ? "float32" : "float64");

/**
 * The `source` node of a variable.
 * @example
 * const plan = sourcePlan(ds.variables.temp!);
 */
export function sourcePlan(variable: Variable): PlanNode<SourceParams> {
  const ctx = { variable: variable.name, attribute: "dtype" };
  const stored = variable.dtype === "bool" ? "bool" : variable.dtype;
  if (!["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"].includes(stored)) {
    throw new UnsupportedError(`${where(ctx)}: unsupported dtype "${variable.dtype}" for computation (numbers and bool only)`, ctx);
  }
  for (const attribute of ["scale_factor", "add_offset"]) {
    if (attribute in variable.attrs) {
      const c = { variable: variable.name, attribute };
      throw new UnsupportedError(`${where(c)}: packed data (scale_factor/add_offset) is not decoded yet`, c);
    }
  }
  const dtype = parseDType(stored);
  const masked = variable.encoding.missing.length > 0 && !isFloat(dtype) ? maskedDType(dtype) : dtype;
  return node("source", [], { variable }, { dims: variable.dims, shape: variable.shape, dtype: masked, chunks: chunksOf(variable) });
}
