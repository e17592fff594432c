/**
 * @module Chunks that a block needs only part of along the first axis: a time window that starts or ends inside a
 * chunk (`sel(time=slice("2001-03-01", "2001-05-31"))`) cuts blocks across chunks, so two neighbouring blocks
 * each need part of the same chunk. The chunk's rows within the block's cross-section (its extent on the other
 * axes) are kept as a piece, a few per source node and evaluation, so that chunk is read and decoded once.
 */
import type { Variable } from "../dataset.ts";
import { copyBox, stridesOf } from "./blocks.ts";
import type { DecodedChunk, Evaluator } from "./evaluator.ts";
import type { PlanNode, Region } from "./plan.ts";
import { sizeOf } from "./plan.ts";

/** Part of a chunk: values in C order over `start`/`shape` (absolute indices of the source). */
export interface Piece extends DecodedChunk {
  readonly start: readonly number[];
}

/** Pieces kept per source node: the blocks in flight and their neighbours. */
const KEEP = 4;

/** True when `region` covers only some of the chunk's rows along the first axis (its neighbour needs the rest). */
export function cutsChunk(region: Region, origin: readonly number[], chunks: readonly number[], shape: readonly number[]): boolean {
  if (shape.length === 0) return false;
  const end = Math.min(origin[0]! + chunks[0]!, shape[0]!);
  return region.start[0]! > origin[0]! || region.start[0]! + region.shape[0]! < end;
}

/**
 * The piece of chunk `at` (all its rows along the first axis, the region's extent on the others), read once and
 * kept for the next block that asks for the same chunk and cross-section.
 * @example
 * const piece = await chunkPiece(ev, node, variable, [2, 0, 0], chunks, region);
 */
export function chunkPiece(ev: Evaluator, node: PlanNode, variable: Variable, at: readonly number[], chunks: readonly number[], region: Region): Promise<Piece> {
  const start = at.map((c, i) => (i === 0 ? c * chunks[0]! : Math.max(c * chunks[i]!, region.start[i]!)));
  const shape = at.map((c, i) => Math.min((c + 1) * chunks[i]!, i === 0 ? variable.shape[0]! : region.start[i]! + region.shape[i]!, variable.shape[i]!) - start[i]!);
  const key = `${at.join(",")}|${start.join(",")}|${shape.join(",")}`;
  return ev.memo(node, async () => new Map<string, Promise<Piece>>()).then((pieces) => {
    let piece = pieces.get(key);
    if (piece) {
      pieces.delete(key); // most recent last
      pieces.set(key, piece);
      return piece;
    }
    piece = (async () => {
      const data = new Float64Array(sizeOf(shape));
      const use = (chunk: DecodedChunk): void => {
        const origin = at.map((c, i) => c * chunks[i]!);
        copyBox(chunk.data, chunk.stride, start.map((s, i) => s - origin[i]!), data, shape, shape.map(() => 0), shape);
      };
      await (ev.reader.lend ? ev.reader.lend(variable, at, use) : ev.reader.read(variable, at).then(use));
      return { data, stride: stridesOf(shape), start };
    })();
    pieces.set(key, piece);
    if (pieces.size > KEEP) pieces.delete(pieces.keys().next().value!);
    return piece;
  });
}
