/**
 * @module The decimated read behind a quick look: only the chunks holding a drawn sample are read (each whole,
 * since a compressed chunk cannot be read in part), at most four at a time, and the samples copied out as
 * float64 with missing values as NaN. Per drawn sample it reads `min(chunkY, stride) x min(chunkX, stride)`
 * elements at most: decimation skips a chunk only when the stride is larger than the chunk along that axis.
 */
import { readChunk, type Variable } from "../data/index.ts";
import { CannotDrawError } from "./errors.ts";
import type { SlicePlan } from "./slice.ts";

/** Decoded bytes a single image may read; past this the array must be drawn elsewhere (no whole reads). */
export const MAX_DECODED_BYTES = 512 * 1024 * 1024;
const DRAWABLE = /^(u?int(8|16|32|64)|float(16|32|64))$/;
const PARALLEL = 4;

/** For one drawn axis: per chunk touched, the output positions and the offsets inside that chunk. */
interface AxisPick {
  chunk: number;
  outs: number[];
  offsets: number[];
}

function picksOf(count: number, stride: number, chunk: number): AxisPick[] {
  const picks: AxisPick[] = [];
  for (let o = 0; o < count; o++) {
    const i = o * stride;
    const c = Math.floor(i / chunk);
    let last = picks[picks.length - 1];
    if (last?.chunk !== c) picks.push((last = { chunk: c, outs: [], offsets: [] }));
    last.outs.push(o);
    last.offsets.push(i - c * chunk);
  }
  return picks;
}

export function checkDrawable(variable: Variable): void {
  if (!DRAWABLE.test(variable.dtype)) {
    throw new CannotDrawError(`cannot draw "${variable.name}": dtype ${variable.dtype} is not numeric (quick looks draw integers and floats)`);
  }
  if (variable.shape.some((n) => n === 0)) throw new CannotDrawError(`cannot draw "${variable.name}": it has no elements (shape ${variable.shape.join(" x ")})`);
}

/** The drawn samples, row-major over the plan's drawn axes. */
export async function readDecimated(variable: Variable, plan: SlicePlan): Promise<Float64Array> {
  checkDrawable(variable);
  const chunks = variable.lazy?.node.chunks ?? variable.generated?.chunks;
  if (!chunks) throw new CannotDrawError(`cannot draw "${variable.name}": it is not stored in chunks`);
  const axes = plan.drawn.map((a, k) => picksOf(plan.out[k]!, plan.stride, chunks[a]!));
  const chunkElements = chunks.reduce((a, b) => a * b, 1);
  const itemBytes = Number(/\d+$/.exec(variable.dtype)![0]) / 8;
  const touched = axes.reduce((n, picks) => n * picks.length, 1);
  if (touched * chunkElements * itemBytes > MAX_DECODED_BYTES) {
    throw new CannotDrawError(
      `cannot draw "${variable.name}": its chunks (${chunks.join(" x ")}) are so large that this image would decode ` +
        `${Math.round((touched * chunkElements * itemBytes) / 2 ** 20)} MiB; rechunk it smaller along ${plan.drawn.map((a) => variable.dims[a]).join(" and ")}`,
    );
  }
  const missing = new Set(variable.encoding.missing);
  const width = plan.out[plan.out.length - 1]!;
  const out = new Float64Array(plan.out.reduce((a, b) => a * b, 1)).fill(Number.NaN);
  const jobs: AxisPick[][] = axes.length === 2 ? axes[0]!.flatMap((py) => axes[1]!.map((px) => [py, px])) : axes[0]!.map((px) => [px]);

  const readOne = async (job: AxisPick[]): Promise<void> => {
    const coords = plan.index.map((i, a) => Math.floor(i / chunks[a]!));
    plan.drawn.forEach((a, k) => (coords[a] = job[k]!.chunk));
    const chunk = await readChunk(variable, coords);
    const data = chunk.data as unknown as ArrayLike<number | bigint>;
    let base = 0;
    plan.index.forEach((i, a) => {
      if (!plan.drawn.includes(a)) base += (i - coords[a]! * chunks[a]!) * chunk.stride[a]!;
    });
    const px = job[job.length - 1]!;
    const py = job.length === 2 ? job[0]! : { outs: [0], offsets: [0] };
    const sy = job.length === 2 ? chunk.stride[plan.drawn[0]!]! : 0;
    const sx = chunk.stride[plan.drawn[plan.drawn.length - 1]!]!;
    for (let r = 0; r < py.outs.length; r++) {
      const row = base + py.offsets[r]! * sy;
      const o = py.outs[r]! * width;
      for (let c = 0; c < px.outs.length; c++) {
        const v = Number(data[row + px.offsets[c]! * sx]);
        out[o + px.outs[c]!] = missing.has(v) ? Number.NaN : v;
      }
    }
  };
  for (let i = 0; i < jobs.length; i += PARALLEL) await Promise.all(jobs.slice(i, i + PARALLEL).map(readOne));
  return out;
}
