/**
 * @module Streaming chunk writes: fills the chunks of one stored array that a region covers, from a lazy,
 * generated or in-memory variable, a bounded number of chunks at a time (reads, computation and repository
 * writes overlap; memory stays a few chunks). Values are CF-encoded (`encodeCF`) then encoded with the
 * array's own codecs. A chunk the region covers only in part is read, merged and rewritten (append), or
 * refused (parallel region writes must not share chunks).
 */
import * as zarr from "zarrita";
import { type CFPlan, type NumericArray, arrayClass, decodeCF, encodeCF } from "./cf-codec.mjs";
import { type Variable, chunksOf, readChunk, sizeOf } from "./dataset.ts";
import { ChunkError, InvalidDatasetError, where, type DataErrorContext } from "./errors.ts";
import { floatToHalf, halfBits, halfToFloat } from "./float16.ts";
import { eachLimited } from "./limit.ts";
import type { Json } from "./metadata.ts";
import type { StandaloneStore } from "./store.ts";

/** One stored v3 array to write into. */
export interface ArrayTarget {
  store: StandaloneStore;
  /** Array path in the store, no leading slash. */
  path: string;
  meta: Json;
  plan: CFPlan | undefined;
  /** Store key of a chunk (default: v3 `path/c/i/j`). */
  chunkKey?: ((coords: readonly number[]) => string) | undefined;
  /** The array as opened before this write (any Zarr format), to read chunks a region covers in part. */
  stored?: zarr.Array<zarr.DataType, StandaloneStore> | undefined;
}

export interface RegionOptions {
  /** Start of the region along each axis of the stored array. */
  origin: readonly number[];
  /** Chunks written at once (default 4). */
  concurrency?: number | undefined;
  /** A chunk covered in part: merged with what is stored ("merge"), or an error ("refuse"). */
  partial: "merge" | "refuse";
  ctx: DataErrorContext;
}

type Data = { [i: number]: unknown; length: number };
type Box = { lo: number[]; hi: number[] };

const stridesOf = (shape: readonly number[]): number[] => shape.map((_, i) => sizeOf(shape.slice(i + 1)));
const read = (d: unknown, i: number): unknown => (d instanceof zarr.BoolArray ? d.get(i) : (d as Data)[i]);
const write = (d: unknown, i: number, v: unknown): void => void (d instanceof zarr.BoolArray ? d.set(i, v as boolean) : ((d as Data)[i] = v));

type Typed = { set(src: ArrayLike<unknown>, at: number): void; subarray(a: number, b: number): ArrayLike<unknown> };

/** Copies an N-d box between two strided buffers; rows contiguous in both are copied with one `set`. */
function copyBox(src: unknown, srcStride: readonly number[], srcAt: readonly number[], dst: unknown, dstStride: readonly number[], dstAt: readonly number[], extent: readonly number[]): void {
  const rank = extent.length;
  if (extent.some((n) => n <= 0)) return;
  const rows = rank > 0 && srcStride[rank - 1] === 1 && dstStride[rank - 1] === 1 && ArrayBuffer.isView(src) && ArrayBuffer.isView(dst);
  const walk = (axis: number, s: number, d: number): void => {
    if (rows && axis === rank - 1) return (dst as unknown as Typed).set((src as unknown as Typed).subarray(s, s + extent[axis]!), d);
    if (axis === rank) return write(dst, d, read(src, s));
    for (let i = 0; i < extent[axis]!; i++) walk(axis + 1, s + i * srcStride[axis]!, d + i * dstStride[axis]!);
  };
  const s0 = srcAt.reduce((a, x, i) => a + x * srcStride[i]!, 0);
  const d0 = dstAt.reduce((a, x, i) => a + x * dstStride[i]!, 0);
  walk(0, s0, d0);
}

/** A fresh decoded buffer of `n` elements for a variable's dtype. */
function newBuffer(dtype: string, n: number): unknown {
  if (dtype === "bool") return new zarr.BoolArray(n);
  if (dtype === "float16") return new Float32Array(n); // float16 values are held as float32 (float16.ts)
  const Class = arrayClass(dtype);
  return Class ? new Class(n) : new Array<string>(n).fill("");
}

/** Copies the source's values in `box` (source coordinates) into `dst` at `dstAt`. */
async function fillFromSource(source: Variable, box: Box, dst: unknown, dstStride: readonly number[], dstAt: readonly number[]): Promise<void> {
  const extent = box.hi.map((h, i) => h - box.lo[i]!);
  if (source.values) return copyBox(source.values, stridesOf(source.shape), box.lo, dst, dstStride, dstAt, extent);
  const chunks = chunksOf(source);
  const first = box.lo.map((l, i) => Math.floor(l / chunks[i]!));
  const last = box.hi.map((h, i) => Math.ceil(h / chunks[i]!) - 1);
  for (const coords of grid(first, last)) {
    const chunk = await readChunk(source, coords);
    const cLo = coords.map((c, i) => c * chunks[i]!);
    const lo = cLo.map((c, i) => Math.max(c, box.lo[i]!));
    const hi = cLo.map((c, i) => Math.min(c + chunks[i]!, box.hi[i]!));
    copyBox(chunk.data, chunk.stride, lo.map((l, i) => l - cLo[i]!), dst, dstStride, lo.map((l, i) => dstAt[i]! + l - box.lo[i]!), hi.map((h, i) => h - lo[i]!));
  }
}

/** Every index vector from `first` to `last` (inclusive), C order. */
function* grid(first: readonly number[], last: readonly number[]): Generator<number[]> {
  if (first.some((f, i) => f > last[i]!)) return;
  const at = [...first];
  for (;;) {
    yield [...at];
    let axis = at.length - 1;
    while (axis >= 0 && ++at[axis]! > last[axis]!) {
      at[axis] = first[axis]!;
      axis--;
    }
    if (axis < 0) return;
  }
}

/** Encodes one chunk-shaped block with an array's codecs, via a one-chunk array in memory. */
export async function encodeChunk(meta: Json, chunks: readonly number[], data: unknown): Promise<Uint8Array> {
  const memory = new Map<string, Uint8Array>();
  // The default key encoding whatever the stored one (v2 keys, "." separators): the key read back is known.
  const one = new zarr.Array(memory, "/", { ...meta, shape: [...chunks], chunk_key_encoding: { name: "default", configuration: { separator: "/" } } } as unknown as zarr.ArrayMetadata<zarr.DataType>);
  await zarr.set(one as zarr.Array<zarr.DataType, Map<string, Uint8Array>>, null, { data, shape: [...chunks], stride: stridesOf(chunks) } as never);
  return memory.get(`/${["c", ...chunks.map(() => 0)].join("/")}`)!;
}

/**
 * Writes `source` (decoded values) into the region of `target` starting at `options.origin`.
 * @example
 * await writeRegionChunks(target, dataset.variables.temp!, { origin: [365, 0, 0], partial: "merge", ctx });
 */
export async function writeRegionChunks(target: ArrayTarget, source: Variable, options: RegionOptions): Promise<void> {
  const shape = target.meta.shape as number[];
  const chunks = (target.meta.chunk_grid as { configuration: { chunk_shape: number[] } }).configuration.chunk_shape;
  const lo = [...options.origin];
  const hi = lo.map((l, i) => l + source.shape[i]!);
  if (hi.some((h, i) => h > shape[i]!)) {
    throw new InvalidDatasetError(`${where(options.ctx)}: region [${lo.join(", ")}] + [${source.shape.join(", ")}] exceeds the stored shape [${shape.join(", ")}]`, options.ctx);
  }
  const stride = stridesOf(chunks);
  const n = sizeOf(chunks);
  let stored: zarr.Array<zarr.DataType, StandaloneStore> | undefined;
  const first = lo.map((l, i) => Math.floor(l / chunks[i]!));
  const last = hi.map((h, i) => Math.ceil(h / chunks[i]!) - 1);
  await eachLimited(grid(first, last), options.concurrency ?? 4, async (coords) => {
    const key = target.chunkKey?.(coords) ?? `${target.path}/${["c", ...coords].join("/")}`;
    const ctx = { ...options.ctx, key };
    const cLo = coords.map((c, i) => c * chunks[i]!);
    const cHi = cLo.map((c, i) => Math.min(c + chunks[i]!, shape[i]!));
    const iLo = cLo.map((c, i) => Math.max(c, lo[i]!));
    const iHi = cHi.map((c, i) => Math.min(c, hi[i]!));
    const covered = iLo.every((l, i) => l === cLo[i] && iHi[i] === cHi[i]);
    let buffer = newBuffer(source.dtype, n);
    if (!covered) {
      if (options.partial === "refuse") {
        const c = { ...ctx };
        throw new InvalidDatasetError(`${where(c)}: the region covers this chunk only in part (chunks [${chunks.join(", ")}]); regions written in parallel must align with chunks`, c);
      }
      stored ??= target.stored ?? (await zarr.open.v3(new zarr.Location(target.store, `/${target.path}`), { kind: "array" }));
      const existing = await stored.getChunk(coords);
      const data = target.meta.data_type === "float16" ? halfToFloat(existing.data as Uint16Array) : existing.data;
      buffer = target.plan ? decodeCF(target.plan, data as NumericArray) : data;
    }
    await fillFromSource(source, { lo: iLo.map((l, i) => l - lo[i]!), hi: iHi.map((h, i) => h - lo[i]!) }, buffer, stride, iLo.map((l, i) => l - cLo[i]!));
    let raw = buffer;
    try {
      if (target.plan) raw = encodeCF(target.plan, buffer as NumericArray);
    } catch (cause) {
      throw new ChunkError(`${where(ctx)}: cannot encode as ${target.plan!.raw} (${(cause as Error).message})`, ctx, { cause });
    }
    // float16: the bits as uint16 through the same codecs (zarrita has no float16 type).
    const half = target.meta.data_type === "float16";
    const meta = half ? { ...target.meta, data_type: "uint16", fill_value: halfBits(target.meta.fill_value) ?? 0 } : target.meta;
    await target.store.set(`/${key}` as zarr.AbsolutePath, await encodeChunk(meta, chunks, half ? floatToHalf(raw as Float32Array) : raw));
  });
}
