/**
 * @module Evaluation of a plan: any region of a node from regions of its inputs, one evaluator per `op`. The
 * result is a float64 block in C order of the region, already rounded to the node's dtype. Reductions walk
 * their reduced axes block by block (the input's chunks), so memory stays a few blocks whatever the length.
 */
import type { AbsolutePath } from "zarrita";
import { type Variable, chunkGrid, readChunk } from "../dataset.ts";
import type { DirectDecoder } from "../direct.mjs";
import { sharedDecoder, withChunkBytes } from "../thread-decoders.ts";
import { type BlockPool, blockPool, threadBlocks } from "./block-pool.ts";
import { copyBox, gather, stridesOf } from "./blocks.ts";
import { castValue, isFloat } from "./dtypes.ts";
import { applyMap } from "./kernels.ts";
import type { Indexer, LayoutParams, MapParams, PlanNode, ReduceParams, Region, SourceParams } from "./plan.ts";
import { sizeOf } from "./plan.ts";
import { TIME_EVALUATORS } from "../ops/evaluators.ts";
import { mapByRows, rowWise } from "./fused-map.ts";
import { evaluateBlocks } from "./user-blocks.ts";
import { regionSharer } from "./shared-blocks.ts";
import { chunkPiece, cutsChunk } from "./source-pieces.ts";
import type { StreamOptions } from "../stream.ts";
import { type Reduction, accumulate, accumulateRows, finishReduce, newAccumulator } from "./reduce-kernel.ts";
import type { ChunkReader, DecodedChunk, Evaluator, OpEvaluator } from "./evaluator.ts";

/** Op modules import these from evaluator.ts: importing them from here would close a circle. */
export type { ChunkReader, DecodedChunk, Evaluator, OpEvaluator };

/** Reads through zarrita (or a generated variable's function) on this thread. */
export const zarritaReader: ChunkReader = {
  read: async (variable, coords) => {
    const chunk = await readChunk(variable, coords);
    return { data: chunk.data as ArrayLike<number>, stride: chunk.stride };
  },
};

/**
 * Reads stored chunks on this thread: little-endian C-order floats behind one blosc or zstd codec (what xarray
 * writes) decode directly (direct.mjs, several times faster than zarrita) and are copied out of the decoder's
 * reused memory; anything else, a missing chunk, or one the fast path declines goes through zarrita.
 */
export function createMainThreadReader(): ChunkReader {
  const decoders = new WeakMap<Variable, Promise<DirectDecoder | undefined>>();
  const lend = async (variable: Variable, coords: readonly number[], use: (chunk: DecodedChunk) => void): Promise<void> => {
    const lazy = variable.lazy;
    if (!lazy || variable.encoding.cf || lazy.node.codecs.includes("sharding_indexed")) return use(await zarritaReader.read(variable, coords));
    let decoder = decoders.get(variable);
    if (!decoder) decoders.set(variable, (decoder = sharedDecoder(lazy.node.docs)));
    const direct = await decoder;
    // Read, decoded and used in one synchronous step: a local file's bytes sit in this thread's reused buffer and
    // the decoded values in the decoder's memory, each until the next read or decode.
    const used =
      direct &&
      (await withChunkBytes(lazy.array.store, lazy.node.chunkKey(coords), (bytes) => {
        const data = bytes && direct(bytes);
        if (!data || data.length !== sizeOf(lazy.node.chunks)) return false;
        use({ data, stride: stridesOf(lazy.node.chunks) });
        return true;
      }));
    if (!used) use(await zarritaReader.read(variable, coords));
  };
  return {
    lend,
    read: async (variable, coords) => {
      let chunk: DecodedChunk | undefined;
      await lend(variable, coords, (c) => (chunk = { data: (c.data as Float32Array).slice(), stride: c.stride }));
      return chunk!;
    },
  };
}

/** The default reader (a fresh one per evaluation: decoders are per variable). */
export const mainThreadReader: ChunkReader = zarritaReader;

export interface EvaluatorOptions {
  reader?: ChunkReader | undefined;
  stream?: StreamOptions | undefined;
  /** Evaluators of ops defined elsewhere. */
  extra?: Readonly<Record<string, OpEvaluator>> | undefined;
  /** Where blocks are reused (default: a pool over this thread's idle blocks, kept between evaluations). */
  blocks?: BlockPool | undefined;
  /** Ops kept whole once read by an enclosing op (default `KEPT_OPS`). */
  kept?: ReadonlySet<string> | undefined;
}


const empty = (region: Region): Float64Array => new Float64Array(sizeOf(region.shape));

/** Reads the chunks a region overlaps and copies them in; missing-value markers become NaN for floats. */
const source: OpEvaluator = async (node, region, ev) => {
  const { variable } = node.params as SourceParams;
  // Every element is written: the region is covered by the values or by the chunks it overlaps.
  const out = ev.blocks.take(sizeOf(region.shape));
  if (variable.values) {
    copyBox(variable.values as ArrayLike<number>, stridesOf(variable.shape), region.start, out, region.shape, region.start.map(() => 0), region.shape);
  } else {
    const chunks = variable.lazy?.node.chunks ?? variable.generated?.chunks ?? variable.shape;
    const first = region.start.map((s, i) => Math.floor(s / chunks[i]!));
    const last = region.start.map((s, i) => Math.floor((s + region.shape[i]! - 1) / chunks[i]!));
    const coords = [...first];
    const reads: Promise<void>[] = [];
    if (region.shape.every((n) => n > 0)) {
      for (;;) {
        const at = [...coords];
        const origin = at.map((c, i) => c * chunks[i]!);
        const lo = origin.map((o, i) => Math.max(o, region.start[i]!));
        const hi = origin.map((o, i) => Math.min(o + chunks[i]!, region.start[i]! + region.shape[i]!));
        // `from`: the absolute index of the values' first element (a chunk's origin, or a kept piece's start).
        const use = (chunk: DecodedChunk, from: readonly number[] = origin): void =>
          copyBox(chunk.data, chunk.stride, lo.map((l, i) => l - from[i]!), out, region.shape, lo.map((l, i) => l - region.start[i]!), hi.map((h, i) => h - lo[i]!));
        if (cutsChunk(region, origin, chunks, variable.shape)) reads.push(chunkPiece(ev, node, variable, at, chunks, region).then((piece) => use(piece, piece.start)));
        else reads.push(ev.reader.lend ? ev.reader.lend(variable, at, use) : ev.reader.read(variable, at).then((chunk) => use(chunk)));
        let axis = coords.length - 1;
        while (axis >= 0 && ++coords[axis]! > last[axis]!) coords[axis] = first[axis--]!;
        if (axis < 0) break;
      }
    }
    await Promise.all(reads);
  }
  const missing = variable.encoding.missing;
  // CF-encoded variables arrive decoded (masked) from readChunk; plain floats keep their raw markers.
  if (isFloat(node.dtype) && missing.length > 0 && !variable.encoding.cf) for (let i = 0; i < out.length; i++) if (missing.includes(out[i]!)) out[i] = NaN;
  return out;
};

/** Input positions an indexer picks for `len` output positions from `start`. */
function positions(ix: Indexer, start: number, len: number): Int32Array {
  if (ix.kind === "at") return Int32Array.of(ix.at);
  if (ix.kind === "take") return ix.index.subarray(start, start + len);
  return Int32Array.from({ length: len }, (_, i) => ix.start + (start + i) * ix.step);
}

/** Reads the bounding box of the picked positions, then gathers them (-1 gives NaN). */
const isel: OpEvaluator = async (node, region, ev) => {
  const input = node.inputs[0]!;
  const indexers = node.params as readonly Indexer[];
  let o = 0;
  const picks = indexers.map((ix) => (ix.kind === "at" ? positions(ix, 0, 1) : positions(ix, region.start[o]!, region.shape[o++]!)));
  const lo = picks.map((p) => p.reduce((m, x) => (x >= 0 && x < m ? x : m), Infinity));
  const hi = picks.map((p) => p.reduce((m, x) => Math.max(m, x), -1));
  const out = ev.blocks.take(sizeOf(region.shape)).fill(NaN);
  if (lo.some((l, i) => l > hi[i]!)) return out;
  const box: Region = { start: lo, shape: lo.map((l, i) => hi[i]! - l + 1) };
  const block = await ev.evaluate(input, box);
  const stride = stridesOf(box.shape);
  const kept = picks.filter((_, i) => indexers[i]!.kind !== "at");
  const fixed = picks.reduce((acc, p, i) => (indexers[i]!.kind === "at" ? acc + (p[0]! - lo[i]!) * stride[i]! : acc), 0);
  const keptStride = stride.filter((_, i) => indexers[i]!.kind !== "at");
  const keptLo = lo.filter((_, i) => indexers[i]!.kind !== "at");
  const idx = new Array<number>(kept.length).fill(0);
  const last = indexers[indexers.length - 1];
  if (last?.kind === "range" && last.step === 1 && kept.length > 0) {
    // The last axis is a contiguous run: copy whole rows (per-element indexing was most of an anomaly's time).
    const L = kept.length - 1;
    const n = region.shape[L]!;
    const first = kept[L]![0]! - keptLo[L]!;
    for (let row = 0; row * n < out.length; row++) {
      let at = fixed + first;
      let valid = true;
      for (let k = 0; k < L; k++) {
        const p = kept[k]![idx[k]!]!;
        if (p < 0) valid = false;
        at += (p - keptLo[k]!) * keptStride[k]!;
      }
      if (valid) out.set(block.subarray(at, at + n), row * n);
      for (let k = L - 1; k >= 0 && ++idx[k]! === region.shape[k]; k--) idx[k] = 0;
    }
    ev.blocks.give(block);
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    let at = fixed;
    let valid = true;
    for (let k = 0; k < kept.length; k++) {
      const p = kept[k]![idx[k]!]!;
      if (p < 0) valid = false;
      at += (p - keptLo[k]!) * keptStride[k]!;
    }
    if (valid) out[i] = block[at]!;
    for (let k = kept.length - 1; k >= 0 && ++idx[k]! === region.shape[k]; k--) idx[k] = 0;
  }
  ev.blocks.give(block);
  return out;
};

/** Transposes and broadcasts: the input's region is the output's along mapped axes. */
const layout: OpEvaluator = async (node, region, ev) => {
  const input = node.inputs[0]!;
  const { axes } = node.params as LayoutParams;
  const box: Region = { start: axes.map((a) => region.start[a]!), shape: axes.map((a) => region.shape[a]!) };
  const block = await ev.evaluate(input, box);
  const inStride = stridesOf(box.shape);
  const stride = region.shape.map((_, a) => {
    const i = axes.indexOf(a);
    return i < 0 ? 0 : inStride[i]!;
  });
  const out = ev.blocks.take(sizeOf(region.shape));
  gather(block, 0, stride, region.shape, out);
  ev.blocks.give(block);
  return out;
};

/** Elementwise functions, rounded to the node's dtype after each operation (numpy computes in that dtype). */
const map: OpEvaluator = async (node, region, ev) => {
  const fused = await mapByRows(node, region, ev);
  if (fused) return fused;
  const { fn, args } = node.params as MapParams;
  const inputs = await Promise.all(node.inputs.map((input) => ev.evaluate(input, region)));
  const out = ev.blocks.take(sizeOf(region.shape));
  const d = node.dtype;
  applyMap(fn, inputs, args, out, d === "float64" ? (x) => x : d === "float32" ? Math.fround : (x) => castValue(d, x));
  for (const input of inputs) ev.blocks.give(input);
  return out;
};

/** Streams the reduced axes block by block (the input's chunks) into one accumulator per output element. */
const reduce: OpEvaluator = async (node, region, ev) => {
  const input = node.inputs[0]!;
  const p = node.params as ReduceParams;
  const quantiles = p.fn === "quantile" && node.dims[0] === "quantile";
  const outRegion: Region = quantiles ? { start: region.start.slice(1), shape: region.shape.slice(1) } : region;
  const reduced = new Set(p.axes);
  const per = sizeOf(p.axes.map((a) => input.shape[a]!));
  const acc = newAccumulator(p.fn as Reduction, sizeOf(outRegion.shape), per);
  const outStride = stridesOf(outRegion.shape);
  // Output stride of each input axis; 0 for reduced ones.
  let k = 0;
  const strideOfAxis = input.shape.map((_, a) => (reduced.has(a) ? 0 : outStride[k++]!));
  const steps = input.shape.map((n, a) => (reduced.has(a) ? Math.ceil(n / input.chunks[a]!) : 1));
  const block = input.shape.map(() => 0);
  for (;;) {
    let o = 0;
    const start = input.shape.map((_, a) => (reduced.has(a) ? block[a]! * input.chunks[a]! : outRegion.start[o++]!));
    o = 0;
    const shape = input.shape.map((n, a) => (reduced.has(a) ? Math.min(input.chunks[a]!, n - start[a]!) : outRegion.shape[o++]!));
    if (shape.every((n) => n > 0)) {
      const rows = await rowWise(input, { start, shape }, ev);
      if (rows) accumulateRows(acc, rows, shape, strideOfAxis);
      else {
        const block = await ev.evaluate(input, { start, shape });
        accumulate(acc, block, shape, strideOfAxis, 0);
        ev.blocks.give(block);
      }
    }
    let axis = input.shape.length - 1;
    while (axis >= 0 && ++block[axis]! >= steps[axis]!) block[axis--] = 0;
    if (axis < 0) break;
  }
  const values = finishReduce(acc, p);
  const d = node.dtype;
  const cast = d === "float64" ? undefined : (x: number) => castValue(d, x);
  if (cast) for (let i = 0; i < values.length; i++) values[i] = cast(values[i]!);
  if (!quantiles) return values;
  const size = sizeOf(outRegion.shape);
  return values.slice(region.start[0]! * size, (region.start[0]! + region.shape[0]!) * size);
};

/** Joins inputs along `axis`: each input overlapping the region fills its part. */
const concat: OpEvaluator = async (node, region, ev) => {
  const { axis } = node.params as { axis: number };
  const out = empty(region);
  let offset = 0;
  const parts: Promise<void>[] = [];
  for (const input of node.inputs) {
    const lo = Math.max(offset, region.start[axis]!);
    const hi = Math.min(offset + input.shape[axis]!, region.start[axis]! + region.shape[axis]!);
    if (lo < hi) {
      const start = region.start.map((s, i) => (i === axis ? lo - offset : s));
      const shape = region.shape.map((n, i) => (i === axis ? hi - lo : n));
      const at = region.start.map((_, i) => (i === axis ? lo - region.start[axis]! : 0));
      parts.push(ev.evaluate(input, { start, shape }).then((block) => copyBox(block, stridesOf(shape), shape.map(() => 0), out, region.shape, at, shape)));
    }
    offset += input.shape[axis]!;
  }
  await Promise.all(parts);
  return out;
};

/** Same values under other dimension names. */
const rename: OpEvaluator = (node, region, ev) => ev.evaluate(node.inputs[0]!, region);

/** Every op's evaluator; an op module adds its own here (see ARCHITECTURE.md, "adding an operation"). */
export const EVALUATORS: Readonly<Record<string, OpEvaluator>> = { source, isel, layout, map, reduce, concat, rename, blocks: evaluateBlocks, ...TIME_EVALUATORS };

/** Ops whose result is computed once and kept when an enclosing op reads it (a climatology under an anomaly). */
export const KEPT_OPS: ReadonlySet<string> = new Set(["reduce", "group-reduce", "weighted"]);

/** Results larger than this (elements) are recomputed per block rather than kept. */
const KEEP_LIMIT = 2 ** 24;

/**
 * Whether `node` is computed whole once when an enclosing op reads it: an op in `kept`, not too large, and not
 * a reduction over axes that are one input chunk each (`u.mean("lon")`): a block of that costs one block of its
 * input, so it streams with its readers (and shares their chunks) instead.
 */
export function keptWhole(node: PlanNode, kept: ReadonlySet<string> = KEPT_OPS): boolean {
  if (!kept.has(node.op) || sizeOf(node.shape) > KEEP_LIMIT) return false;
  if (node.op !== "reduce") return true;
  const input = node.inputs[0]!;
  return !(node.params as ReduceParams).axes.every((a) => input.chunks[a]! >= input.shape[a]!);
}

/** Regions of shared nodes that wait for their other readers (per node): two blocks in flight, and a spare. */
const SHARED_REGIONS = 4;

/**
 * An evaluator over `reader`; `extra` adds evaluators of ops defined elsewhere. Inner nodes whose op is in
 * `kept` (reductions) are evaluated whole once, block by block, and then sliced: `da - da.mean("time")` reads
 * the mean's input once, not once per block of the difference.
 * @example
 * const block = await createEvaluator().evaluate(da.plan, { start: [0, 0], shape: [10, 4] });
 */
export function createEvaluator(options: EvaluatorOptions = {}): Evaluator {
  const reader = options.reader ?? createMainThreadReader();
  const kept = options.kept ?? KEPT_OPS;
  const stream = options.stream ?? {};
  const table = { ...EVALUATORS, ...options.extra };
  const whole = new Map<PlanNode, Promise<Float64Array>>();
  const blocks = options.blocks ?? blockPool(16, threadBlocks);
  const memos = new Map<PlanNode, Promise<unknown>>();
  const memo = <T>(node: PlanNode, make: () => Promise<T>): Promise<T> => {
    if (!memos.has(node)) memos.set(node, make());
    return memos.get(node) as Promise<T>;
  };
  const run = (node: PlanNode, region: Region): Promise<Float64Array> => {
    const fn = table[node.op];
    if (!fn) throw new Error(`no evaluator for plan op "${node.op}"`);
    return fn(node, region, inner);
  };
  // Set on the first evaluation: the plan evaluated is the root under which nodes are shared.
  let share: ReturnType<typeof regionSharer> | undefined;
  /** The whole node, evaluated once along its chunks. */
  const all = (node: PlanNode): Promise<Float64Array> => {
    let values = whole.get(node);
    if (!values) {
      values = (async () => {
        const out = new Float64Array(sizeOf(node.shape));
        const zero = node.shape.map(() => 0);
        for (const coords of chunkGrid(node.shape, node.chunks)) {
          const start = coords.map((c, i) => c * node.chunks[i]!);
          const shape = start.map((s, i) => Math.min(node.chunks[i]!, node.shape[i]! - s));
          copyBox(await run(node, { start, shape }), stridesOf(shape), zero, out, node.shape, start, shape);
        }
        return out;
      })();
      whole.set(node, values);
    }
    return values;
  };
  const inner: Evaluator = {
    reader,
    stream,
    blocks,
    memo,
    evaluate: async (node, region) => {
      if (!keptWhole(node, kept)) return share ? share(node, region, () => run(node, region)) : run(node, region);
      const values = await all(node);
      const out = empty(region);
      copyBox(values, stridesOf(node.shape), region.start, out, region.shape, region.start.map(() => 0), region.shape);
      return out;
    },
  };
  return {
    reader,
    stream,
    blocks,
    memo,
    evaluate: (node, region) => {
      share ??= regionSharer(node, (n) => keptWhole(n, kept), SHARED_REGIONS, blocks);
      return run(node, region);
    },
  };
}
