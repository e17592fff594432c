/**
 * @module The plan of a lazy array: a small tree of labelled operations that is plain data. Every node knows
 * its dimensions, shape, dtype and preferred block shape (`chunks`); evaluation (evaluate.ts) computes any
 * rectangular region of a node from regions of its inputs, so a chain streams block by block.
 */
import type { Variable } from "../dataset.ts";
import type { DType } from "./dtypes.ts";

/** One operation: `op` names its kernel (evaluate.ts), `params` are its arguments, plain data. */
export interface PlanNode<P = unknown> {
  readonly op: string;
  readonly inputs: readonly PlanNode[];
  readonly params: P;
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Preferred block shape: the scheduler cuts the output along it, inputs are read along theirs. */
  readonly chunks: readonly number[];
}

/** A box of a node's index space: first index and extent per axis (the node's axis order). */
export interface Region {
  readonly start: readonly number[];
  readonly shape: readonly number[];
}

/** Where a source's values come from: a stored or generated variable, or values in memory. */
export interface SourceParams {
  readonly variable: Variable;
}

/** Per input axis: a strided range, a list of positions (-1 gives a missing value), or one position (dropped). */
export type Indexer =
  | { readonly kind: "range"; readonly start: number; readonly step: number }
  | { readonly kind: "take"; readonly index: Int32Array }
  | { readonly kind: "at"; readonly at: number };

/** `layout`: input axis i becomes output axis `axes[i]`; output axes no input axis maps to are broadcast. */
export interface LayoutParams {
  readonly axes: readonly number[];
}

/** `map`: an elementwise function of same-shaped inputs (kernels.ts), with numeric arguments. */
export interface MapParams {
  readonly fn: string;
  readonly args: readonly number[];
}

/** `reduce`: reduces the input axes `axes`; `ddof` for std/var, `q` for quantile. */
export interface ReduceParams {
  readonly fn: string;
  readonly axes: readonly number[];
  readonly skipna: boolean;
  readonly ddof: number;
  readonly q: readonly number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Builds a node; chunks are clamped to the shape (at least 1). */
export function node<P>(op: string, inputs: readonly PlanNode[], params: P, meta: Omit<PlanNode, "op" | "inputs" | "params">): PlanNode<P> {
  const chunks = meta.shape.map((n, i) => Math.max(1, Math.min(n, meta.chunks[i] ?? n)));
  return { op, inputs, params, dims: [...meta.dims], shape: [...meta.shape], dtype: meta.dtype, chunks };
}

/** A short, stable rendering of params for printing (typed arrays and variables summarised). */
function describe(op: string, params: unknown): string {
  if (op === "source") {
    const v = (params as SourceParams).variable;
    return `${v.name}${v.lazy ? " (stored)" : v.generated ? " (generated)" : " (in memory)"}`;
  }
  return JSON.stringify(params, (_, value: unknown) =>
    ArrayBuffer.isView(value) ? `[${(value as Int32Array).length} positions]` : value,
  );
}

/**
 * The plan as indented text, one node per line: `op (dims) shape dtype params`.
 * @example
 * printPlan(da.sub(1).mean(["lat"]).plan);
 * // reduce (time) [10] float32 {"fn":"mean",...}
 * //   map (time, lat) [10, 4] float32 {"fn":"sub",...}
 */
export function printPlan(root: PlanNode, indent = ""): string {
  const line = `${indent}${root.op} (${root.dims.join(", ")}) [${root.shape.join(", ")}] ${root.dtype} ${describe(root.op, root.params)}`;
  return [line, ...root.inputs.map((input) => printPlan(input, `${indent}  `))].join("\n");
}
