/**
 * @module Leaves of a plan: a stored, generated or in-memory `Variable` as a `source` node. Stored chunks
 * arrive CF-decoded (`readChunk`, cf-codec.mjs), float16 widened to float32 (float16.ts); float missing-value
 * markers read as NaN.
 */
import { chunksOf, type Variable } from "../dataset.ts";
import { UnsupportedError, where } from "../errors.ts";
import { parseDType } from "./dtypes.ts";
import { type PlanNode, type SourceParams, node } from "./plan.ts";

/**
 * The `source` node of a variable.
 * @example
 * const plan = sourcePlan(ds.variables.temp!);
 */
export function sourcePlan(variable: Variable): PlanNode<SourceParams> {
  const ctx = { variable: variable.name, attribute: "dtype" };
  const stored = variable.dtype === "bool" ? "bool" : variable.dtype;
  if (!["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"].includes(stored)) {
    throw new UnsupportedError(`${where(ctx)}: unsupported dtype "${variable.dtype}" for computation (numbers and bool only)`, ctx);
  }
  const dtype = parseDType(stored);
  return node("source", [], { variable }, { dims: variable.dims, shape: variable.shape, dtype, chunks: chunksOf(variable) });
}
