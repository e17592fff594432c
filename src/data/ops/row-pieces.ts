/**
 * @module Input rows for windowed ops, read in chunk-aligned pieces and kept briefly: a rolling block's halo
 * rows fall in its neighbours' chunks, which the neighbouring blocks read too. Keeping the last few pieces per
 * node and region (LRU, a few chunks) reads and decodes each input chunk once when blocks go along the axis.
 * The rows are handed out where they lie (each row's piece and offset), not copied into one block with the halo:
 * that copy was a tenth of a rolling mean. A piece in use is pinned until its reader releases it.
 */
import type { Evaluator } from "../array/evaluator.ts";
import { type PlanNode, type Region, sizeOf } from "../array/plan.ts";

const KEEP = 4;

interface Piece {
  readonly block: Promise<Float64Array>;
  /** Readers holding it; an evicted piece goes back to the pool when the last one releases it. */
  users: number;
  evicted: boolean;
}

type Pieces = Map<string, Piece>;

/** Rows of a region: row k of [outer, rows] is `srcs[k]` from `bases[k]`; `release()` once they are read. */
export interface PinnedRows {
  readonly srcs: Float64Array[];
  readonly bases: Int32Array;
  release(): void;
}

/**
 * Rows [lo, hi) along `axis` of `input`, over the other axes of `region`, in the chunk blocks they were read as.
 * @example
 * const rows = await pinRows(ev, node, input, 0, region, from - 3, to + 3);
 * try { kernel(rows.srcs, rows.bases); } finally { rows.release(); }
 */
export async function pinRows(ev: Evaluator, owner: PlanNode, input: PlanNode, axis: number, region: Region, lo: number, hi: number): Promise<PinnedRows> {
  const pieces = await ev.memo<Pieces>(owner, async () => new Map());
  const chunk = input.chunks[axis]!;
  const others = region.start.map((s, a) => (a === axis ? "" : `${s}+${region.shape[a]}`)).join(",");
  const outer = sizeOf(region.shape.slice(0, axis));
  const inner = sizeOf(region.shape.slice(axis + 1));
  const span = hi - lo;
  const first = Math.floor(lo / chunk);
  const last = Math.floor((hi - 1) / chunk);
  const pinned: Piece[] = [];
  const drop = (piece: Piece): void => {
    if (piece.evicted && piece.users === 0) piece.block.then((b) => ev.blocks.give(b), () => undefined);
  };
  // Pinned synchronously, before any await: a piece this block needs cannot go back to the pool meanwhile.
  for (let k = first; k <= last; k++) {
    const p0 = k * chunk;
    const rows = Math.min(chunk, input.shape[axis]! - p0);
    const key = `${k}|${others}`;
    let piece = pieces.get(key);
    if (piece) pieces.delete(key);
    else {
      const block = ev.evaluate(input, { start: region.start.map((s, a) => (a === axis ? p0 : s)), shape: region.shape.map((n, a) => (a === axis ? rows : n)) });
      piece = { block, users: 0, evicted: false };
      if (pieces.size >= KEEP) {
        const [oldest, dropped] = pieces.entries().next().value!;
        pieces.delete(oldest);
        dropped.evicted = true;
        drop(dropped);
      }
    }
    pieces.set(key, piece);
    piece.users++;
    pinned.push(piece);
  }
  const release = (): void => {
    for (const piece of pinned) {
      piece.users--;
      drop(piece);
    }
  };
  let blocks: Float64Array[];
  try {
    blocks = await Promise.all(pinned.map((p) => p.block));
  } catch (error) {
    release();
    throw error;
  }
  const srcs = new Array<Float64Array>(outer * span);
  const bases = new Int32Array(outer * span);
  for (let k = first; k <= last; k++) {
    const p0 = k * chunk;
    const rows = Math.min(chunk, input.shape[axis]! - p0);
    const block = blocks[k - first]!;
    for (let r = Math.max(lo, p0); r < Math.min(hi, p0 + rows); r++) {
      for (let o = 0; o < outer; o++) {
        srcs[o * span + (r - lo)] = block;
        bases[o * span + (r - lo)] = (o * rows + (r - p0)) * inner;
      }
    }
  }
  return { srcs, bases, release };
}
