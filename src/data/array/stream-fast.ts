/**
 * @module The streaming fast path of group reductions: a stored float variable reduced by groups along one axis
 * with mean/min/max/sum/count goes through stream.ts (worker threads reading chunks themselves, direct decode,
 * SIMD fold) once per evaluation, and regions are sliced from that whole result. Numbers are the seed's, bit
 * for bit (float64 accumulation, rounded once).
 */
import { finish } from "../kernel.mjs";
import { streamReduce } from "../stream.ts";
import { copyBox, stridesOf } from "./blocks.ts";
import type { Evaluator } from "./evaluator.ts";
import { type PlanNode, type Region, type SourceParams, sizeOf } from "./plan.ts";

const FAST = new Set(["mean", "min", "max", "sum", "count"]);

interface GroupParams {
  readonly fn: string;
  readonly axis: number;
  readonly index: Int32Array;
  readonly groups: number;
}

/** Whether `node` (a group reduction) can take the streaming path: a stored float source, a sum-like or min/max fn. */
export function streamable(node: PlanNode): boolean {
  const input = node.inputs[0];
  const p = node.params as GroupParams;
  return (
    input !== undefined &&
    input.op === "source" &&
    (input.params as SourceParams).variable.lazy !== undefined &&
    (input.dtype === "float32" || input.dtype === "float64") &&
    FAST.has(p.fn)
  );
}

/** The region of a streamable group reduction, or undefined when the node does not qualify. */
export async function streamedRegion(node: PlanNode, region: Region, ev: Evaluator): Promise<Float64Array | undefined> {
  if (!streamable(node)) return undefined;
  const whole = await ev.memo(node, async () => {
    const input = node.inputs[0]!;
    const { variable } = input.params as SourceParams;
    const p = node.params as GroupParams;
    const op = p.fn as "mean";
    const { tile } = await streamReduce(variable, input.dims[p.axis]!, p.index, p.groups, op, ev.stream);
    const out = node.dtype === "float32" ? new Float32Array(sizeOf(node.shape)) : new Float64Array(sizeOf(node.shape));
    finish(op, tile, out);
    return out instanceof Float64Array ? out : Float64Array.from(out);
  });
  const out = new Float64Array(sizeOf(region.shape));
  copyBox(whole, stridesOf(node.shape), region.start, out, region.shape, region.start.map(() => 0), region.shape);
  return out;
}
