/**
 * @module The escape hatch: `mapBlocks` / `applyUfunc` run a user's function over float64 blocks, on worker
 * threads when the computation has a pool. A function crosses to a worker as data, so it is either
 * - a plain function given inline, sent as its source text: it may use its arguments, `info.args`, globals
 *   (`Math`) and nothing else from its surroundings (no closures, no imports) — checked when the op is built;
 * - or `{ module, name }`: an export of a plain JavaScript module (`.js`/`.mjs`, a file URL or absolute path),
 *   imported by each thread, which may import whatever it needs.
 * The function receives the blocks of its inputs (same shape, C order) and returns the output block.
 */
import { pathToFileURL } from "node:url";
import { InvalidOperationError } from "../errors.ts";
import { copyBox, stridesOf } from "./blocks.ts";
import type { OpEvaluator } from "./evaluator.ts";
import { align, broadcastTo, mergeCoords, unionDims } from "./align.ts";
import type { DataArray } from "./data-array.ts";
import { parseDType, promote } from "./dtypes.ts";
import { type PlanNode, type Region, node, sizeOf } from "./plan.ts";

/** What the function learns about its block. */
export interface BlockInfo {
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  /** Position of the block's first element in the whole array. */
  readonly start: readonly number[];
  /** Numbers passed with `args`. */
  readonly args: readonly number[];
}

/** A block function: input blocks in, the output block (same length) out. */
export type BlockFunction = (blocks: Float64Array[], info: BlockInfo) => Float64Array | ArrayLike<number>;

/** A function by reference: an export of a JavaScript module every thread imports. */
export interface BlockModule {
  readonly module: string | URL;
  readonly name: string;
}

export interface BlocksParams {
  readonly source?: string | undefined;
  readonly module?: string | undefined;
  readonly name?: string | undefined;
  readonly args: readonly number[];
  /** Axes every block spans whole (e.g. time for a difference along time). */
  readonly core: readonly number[];
}

const compile = (source: string): BlockFunction => new Function(`"use strict"; return (${source});`)() as BlockFunction;

/** The transportable form of a function, or an error saying why it cannot cross to a worker. */
export function describeFunction(fn: BlockFunction | BlockModule, arity: number, args: readonly number[]): Pick<BlocksParams, "source" | "module" | "name"> {
  if (typeof fn !== "function") {
    const url = fn.module instanceof URL ? fn.module.href : fn.module.startsWith("file:") ? fn.module : pathToFileURL(fn.module).href;
    if (!/\.(m?js)$/.test(url)) {
      throw new InvalidOperationError(`mapBlocks: module "${url}" must be plain JavaScript (.js or .mjs): worker threads do not load TypeScript`, {});
    }
    return { module: url, name: fn.name };
  }
  const source = fn.toString();
  if (/\{\s*\[native code\]\s*\}$/.test(source)) throw new InvalidOperationError("mapBlocks: built-in or bound functions cannot cross to worker threads; write the function inline", {});
  let copy: BlockFunction;
  try {
    copy = compile(/^(async\s+)?[\w$]+\s*\(/.test(source) && !source.startsWith("function") ? `function ${source}` : source);
  } catch (cause) {
    throw new InvalidOperationError(`mapBlocks: the function's source does not compile on its own (${(cause as Error).message})`, {}, { cause });
  }
  // A dry run on one-element blocks: a name from the surroundings is a ReferenceError here, not on a worker.
  try {
    copy(Array.from({ length: arity }, () => new Float64Array(1)), { dims: [], shape: [], start: [], args });
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw new InvalidOperationError(
        `mapBlocks: the function uses ${error.message.replace(/ is not defined$/, "")} from its surroundings; functions cross to worker threads as source text and cannot close over variables: pass numbers with { args }, or export the function from a .mjs module and give { module, name }`,
        {},
      );
    }
  }
  return { source };
}

export interface ApplyOptions {
  /** Numbers the function gets as `info.args`. */
  args?: readonly number[] | undefined;
  /** Result dtype (default: the inputs' promoted dtype). */
  dtype?: string | undefined;
  /** Dimensions every block spans whole (a function along time sees the whole time axis). */
  core?: readonly string[] | undefined;
}

/**
 * xarray's `apply_ufunc` over blocks: the arrays are aligned and broadcast by dimension name, and `fn` maps
 * their blocks (same shape) to the result's block.
 * @example
 * const rate = applyUfunc((blocks, info) => blocks[0].map((x) => x / info.args[0]), [precip], { args: [3600] });
 */
export function applyUfunc(fn: BlockFunction | BlockModule, arrays: readonly DataArray[], options: ApplyOptions = {}): DataArray {
  if (arrays.length === 0) throw new InvalidOperationError("applyUfunc: give at least one array", {});
  const args = options.args ?? [];
  const described = describeFunction(fn, arrays.length, args);
  const aligned = align(arrays, "inner");
  const { dims, shape } = unionDims(aligned);
  const inputs = aligned.map((a) => broadcastTo(a.plan, dims, shape));
  const core = (options.core ?? []).map((d) => {
    const axis = dims.indexOf(d);
    if (axis < 0) throw new InvalidOperationError(`applyUfunc: core dimension "${d}" not found (dimensions: ${dims.join(", ")})`, { attribute: d });
    return axis;
  });
  const dtype = options.dtype !== undefined ? parseDType(options.dtype, "applyUfunc dtype") : arrays.map((a) => a.dtype).reduce(promote);
  const chunks = dims.map((d, i) => (core.includes(i) ? shape[i]! : inputs.find((p) => p.dims.includes(d))!.chunks[inputs.find((p) => p.dims.includes(d))!.dims.indexOf(d)]!));
  const params: BlocksParams = { ...described, args, core };
  const plan = node("blocks", inputs, params, { dims, shape, dtype, chunks });
  return arrays[0]!.with({ plan, coords: mergeCoords(aligned), attrs: {} });
}

/** The function of a node, compiled or imported once per evaluation. */
async function resolve(p: BlocksParams): Promise<BlockFunction> {
  if (p.source !== undefined) {
    const s = p.source;
    return compile(/^(async\s+)?[\w$]+\s*\(/.test(s) && !s.startsWith("function") ? `function ${s}` : s);
  }
  const mod = (await import(p.module!)) as Record<string, unknown>;
  const fn = mod[p.name!];
  if (typeof fn !== "function") throw new InvalidOperationError(`mapBlocks: module "${p.module}" has no function export "${p.name}"`, {});
  return fn as BlockFunction;
}

export const evaluateBlocks: OpEvaluator = async (n, region, ev) => {
  const node = n as PlanNode<BlocksParams>;
  const p = node.params;
  // Core axes are evaluated whole, then cut to the region asked for.
  const whole: Region = {
    start: region.start.map((s, a) => (p.core.includes(a) ? 0 : s)),
    shape: region.shape.map((len, a) => (p.core.includes(a) ? node.shape[a]! : len)),
  };
  const [fn, blocks] = await Promise.all([ev.memo(node, () => resolve(p)), Promise.all(node.inputs.map((i) => ev.evaluate(i, whole)))]);
  const got = fn(blocks, { dims: node.dims, shape: whole.shape, start: whole.start, args: p.args });
  const values = got instanceof Float64Array ? got : Float64Array.from(got ?? []);
  if (values.length !== sizeOf(whole.shape)) {
    throw new InvalidOperationError(`mapBlocks: the function returned ${values.length} values for a block of ${sizeOf(whole.shape)} (shape ${whole.shape.join(" x ")})`, {});
  }
  if (whole.shape.every((len, a) => len === region.shape[a])) return values;
  const out = new Float64Array(sizeOf(region.shape));
  copyBox(values, stridesOf(whole.shape), region.start.map((s, a) => s - whole.start[a]!), out, region.shape, region.shape.map(() => 0), region.shape);
  return out;
};
