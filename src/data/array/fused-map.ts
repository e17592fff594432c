/**
 * @module Elementwise arithmetic computed row by row. A chain such as `(u - ubar) * (v - vbar)` evaluates its
 * leaves (u, v and the broadcast means) as blocks, then every intermediate one row at a time in small buffers
 * that stay in cache: no block is written and read back for `u - ubar` or `v - vbar`, and fewer blocks are live.
 * Each step is the plain `map`'s own `arithmetic` call with the same rounding, so values are identical. Group
 * arithmetic (a take-rows input, ops/take-rows.ts) is computed row by row the same way; a consumer that folds
 * rows (a weighted mean) takes them as they are computed.
 */
import { rollingWise } from "../ops/rolling-rows.ts";
import { type RowWise, takeRowsWise } from "../ops/take-rows.ts";
import type { Evaluator } from "./evaluator.ts";
import { gather, stridesOf } from "./blocks.ts";
import { arithmetic } from "./kernels.ts";
import { type LayoutParams, type MapParams, type PlanNode, type Region, sizeOf } from "./plan.ts";

export type { RowWise };

const BINARY = new Set(["add", "sub", "mul", "div"]);
const REFLECTED = new Set(["radd", "rsub", "rmul", "rdiv"]);

/** Rows hold at least this many values when the block has them (a few rows' buffers stay in cache). */
const ROW = 2048;

/** Steps of a chain deeper than this are computed as blocks (a leaf). */
const DEPTH = 4;

/** Whether the plain `map` of `node` is one `arithmetic` call: add/sub/mul/div in float32 or float64. */
function arithmeticMap(node: PlanNode): boolean {
  if (node.op !== "map" || (node.dtype !== "float32" && node.dtype !== "float64")) return false;
  const { fn, args } = node.params as MapParams;
  if (node.inputs.length === 2) return args.length === 0 && BINARY.has(fn);
  return node.inputs.length === 1 && args.length === 1 && (BINARY.has(fn) || REFLECTED.has(fn));
}

/** A map computed inside a chain: arithmetic, and not group arithmetic (that one is a leaf, row by row itself). */
const chainStep = (node: PlanNode): boolean => arithmeticMap(node) && !node.inputs.some((input) => input.op === "take-rows");

/** An operand of a step: a leaf block, or the row of an earlier step. */
type Operand = { readonly leaf: number } | { readonly step: number };

interface Step {
  readonly fn: string;
  readonly scalar: number;
  readonly cast: (x: number) => number;
  readonly operands: readonly Operand[];
}

/** The chain under `root` in evaluation order (inputs before their step, the root last), and its leaves. */
function chainOf(root: PlanNode): { steps: Step[]; leaves: PlanNode[] } {
  const steps: Step[] = [];
  const leaves: PlanNode[] = [];
  const visit = (node: PlanNode, depth: number): Operand => {
    const operands = node.inputs.map((input): Operand => {
      if (depth < DEPTH && chainStep(input)) return visit(input, depth + 1);
      leaves.push(input);
      return { leaf: leaves.length - 1 };
    });
    const { fn, args } = node.params as MapParams;
    steps.push({ fn, scalar: args[0] ?? 0, cast: node.dtype === "float32" ? Math.fround : (x: number) => x, operands });
    return { step: steps.length - 1 };
  };
  visit(root, 0);
  return { steps, leaves };
}

/** Values per row for a region: trailing axes whole until a row holds `ROW` values (or the whole region). */
function rowLength(shape: readonly number[]): number {
  let inner = 1;
  for (let a = shape.length - 1; a >= 0 && inner < ROW; a--) inner *= shape[a]!;
  return inner;
}

/** A leaf's values for the rows of a region: a block, or a `layout` leaf's input read unbroadcast. */
interface Leaf {
  readonly block: Float64Array;
  /** For a layout leaf: its input's stride per region axis (0 along broadcast axes) and a row buffer. */
  readonly stride?: readonly number[];
  /** The stride along the row's own axes, and a row buffer. */
  readonly rowStride?: readonly number[];
  readonly row?: Float64Array;
}

/**
 * A leaf of the chain: a `layout` (the broadcast of `u.mean("lon")` back over lon) is read as its input's small
 * block and spread one row at a time into a buffer in cache, instead of a whole broadcast block per region.
 */
async function leafOf(leaf: PlanNode, region: Region, inner: number, ev: Evaluator): Promise<Leaf> {
  if (leaf.op !== "layout") return { block: await ev.evaluate(leaf, region) };
  const { axes } = leaf.params as LayoutParams;
  const box: Region = { start: axes.map((a) => region.start[a]!), shape: axes.map((a) => region.shape[a]!) };
  const inStride = stridesOf(box.shape);
  const stride = region.shape.map((_, a) => (axes.includes(a) ? inStride[axes.indexOf(a)]! : 0));
  return { block: await ev.evaluate(leaf.inputs[0]!, box), stride, row: new Float64Array(inner) };
}

/** The layout leaves' row strides, once the row's axes are known (the axes from `lead` on). */
function withRowStrides(leaves: Leaf[], lead: number): Leaf[] {
  return leaves.map((leaf) => (leaf.stride ? { ...leaf, rowStride: leaf.stride.slice(lead) } : leaf));
}

/**
 * A chain of arithmetic `map`s (at least one step under the root) row by row; undefined for anything else.
 * Each leaf is evaluated as the plain `map` would evaluate it (same regions, same sharing), a broadcast leaf as
 * its input (`leafOf`).
 */
async function chainWise(plan: PlanNode, region: Region, ev: Evaluator): Promise<RowWise | undefined> {
  if (!arithmeticMap(plan) || !plan.inputs.some(chainStep)) return undefined;
  const { steps, leaves } = chainOf(plan);
  const inner = rowLength(region.shape);
  // Axes before the row's axes: row r is their C-order index.
  let lead = region.shape.length;
  for (let size = 1; size < inner; ) size *= region.shape[--lead]!;
  const blocks = withRowStrides(await Promise.all(leaves.map((leaf) => leafOf(leaf, region, inner, ev))), lead);
  const leadShape = region.shape.slice(0, lead);
  const rowShape = region.shape.slice(lead);
  const scratch = steps.slice(0, -1).map(() => new Float64Array(inner));
  const last = steps.length - 1;
  return {
    rows: sizeOf(region.shape) / inner,
    inner,
    row: (r, into) => {
      const from = r * inner;
      for (const leaf of blocks) {
        if (!leaf.stride) continue;
        let at = 0;
        for (let a = lead - 1, rest = r; a >= 0; a--) {
          const i = rest % leadShape[a]!;
          rest = (rest - i) / leadShape[a]!;
          at += i * leaf.stride[a]!;
        }
        gather(leaf.block, at, leaf.rowStride!, rowShape, leaf.row!);
      }
      const value = (o: Operand): Float64Array => {
        if (!("leaf" in o)) return scratch[o.step]!;
        const leaf = blocks[o.leaf]!;
        return leaf.row ?? leaf.block.subarray(from, from + inner);
      };
      steps.forEach((step, k) => {
        const [a, b] = step.operands;
        arithmetic(step.fn, value(a!), b && value(b), step.scalar, k === last ? into : scratch[k]!, step.cast);
      });
    },
    release: () => {
      for (const leaf of blocks) ev.blocks.give(leaf.block);
    },
  };
}

/** The region of `plan` row by row (in order), when it is group arithmetic, a chain of arithmetic or a rolling window; else undefined. */
export async function rowWise(plan: PlanNode, region: Region, ev: Evaluator): Promise<RowWise | undefined> {
  return (await takeRowsWise(plan, region, ev)) ?? (await chainWise(plan, region, ev)) ?? (await rollingWise(plan, region, ev));
}

/** `rowWise` written into one block (the `map` evaluator's fast path); undefined when it does not apply. */
export async function mapByRows(plan: PlanNode, region: Region, ev: Evaluator): Promise<Float64Array | undefined> {
  const rows = await rowWise(plan, region, ev);
  if (!rows) return undefined;
  const out = ev.blocks.take(sizeOf(region.shape));
  for (let r = 0; r < rows.rows; r++) rows.row(r, out.subarray(r * rows.inner, (r + 1) * rows.inner));
  rows.release();
  return out;
}
