/**
 * @module Input rows for windowed ops, read in chunk-aligned pieces and kept briefly: a rolling block's halo
 * rows fall in its neighbours' chunks, which the neighbouring blocks read too. Keeping the last few pieces per
 * node and region (LRU, a few chunks) reads and decodes each input chunk once when blocks go along the axis.
 */
import type { Evaluator } from "../array/evaluator.ts";
import { type PlanNode, type Region, sizeOf } from "../array/plan.ts";

const KEEP = 4;

type Pieces = Map<string, Promise<Float64Array>>;

/**
 * Rows [lo, hi) along `axis` of `input`, over the other axes of `region`, as one C-order block.
 * @example
 * const block = await readRows(ev, node, input, 0, region, from - 3, to + 3);
 */
export async function readRows(ev: Evaluator, owner: PlanNode, input: PlanNode, axis: number, region: Region, lo: number, hi: number): Promise<Float64Array> {
  const pieces = await ev.memo<Pieces>(owner, async () => new Map());
  const chunk = input.chunks[axis]!;
  const others = region.start.map((s, a) => (a === axis ? "" : `${s}+${region.shape[a]}`)).join(",");
  const shape = region.shape.map((n, a) => (a === axis ? hi - lo : n));
  // Every row of [lo, hi) is copied in from a piece.
  const out = ev.blocks.take(sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const first = Math.floor(lo / chunk);
  const last = Math.floor((hi - 1) / chunk);
  await Promise.all(
    Array.from({ length: Math.max(0, last - first + 1) }, async (_, i) => {
      const k = first + i;
      const p0 = k * chunk;
      const rows = Math.min(chunk, input.shape[axis]! - p0);
      const key = `${k}|${others}`;
      let piece = pieces.get(key);
      if (piece) pieces.delete(key);
      else {
        piece = ev.evaluate(input, { start: region.start.map((s, a) => (a === axis ? p0 : s)), shape: region.shape.map((n, a) => (a === axis ? rows : n)) });
        if (pieces.size >= KEEP) {
          const [oldest, dropped] = pieces.entries().next().value!;
          pieces.delete(oldest);
          // Back to the pool once its readers so far have copied from it (their continuations run first).
          void dropped.then((b) => ev.blocks.give(b), () => undefined);
        }
      }
      pieces.set(key, piece);
      const block = await piece;
      const a = Math.max(lo, p0);
      const b = Math.min(hi, p0 + rows);
      for (let o = 0; o < outer; o++) {
        out.set(block.subarray((o * rows + (a - p0)) * inner, (o * rows + (b - p0)) * inner), (o * (hi - lo) + (a - lo)) * inner);
      }
    }),
  );
  return out;
}
