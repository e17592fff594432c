/**
 * @module The types an op's evaluator works with, apart from `evaluate.ts` (which dispatches to the ops' evaluators),
 * so that op modules can implement them without an import circle.
 */
import type { Variable } from "../dataset.ts";
import type { StreamOptions } from "../stream.ts";
import type { BlockPool } from "./block-pool.ts";
import type { PlanNode, Region } from "./plan.ts";

/** A decoded chunk: values in any typed array, with their strides (zarrita may hand back F order). */
export interface DecodedChunk {
  readonly data: ArrayLike<number | bigint>;
  readonly stride: readonly number[];
}

/** Where chunks of stored and generated variables come from (the main thread, or a worker's reader). */
export interface ChunkReader {
  read(variable: Variable, coords: readonly number[]): Promise<DecodedChunk>;
  /**
   * Like `read`, but lends the chunk to `use`, called synchronously while the reader's reused memory holds it
   * (no copy of the whole chunk when a region needs part of it). Readers without one are read and then used.
   */
  lend?(variable: Variable, coords: readonly number[], use: (chunk: DecodedChunk) => void): Promise<void>;
}

export interface Evaluator {
  evaluate(node: PlanNode, region: Region): Promise<Float64Array>;
  readonly reader: ChunkReader;
  /** Worker threads and read-ahead for ops that stream stored chunks themselves (group reductions). */
  readonly stream: StreamOptions;
  /**
   * Blocks reused within this evaluation: `take` for an output every element of which is written, `give` for an
   * input block once it has been read (blocks from `evaluate` belong to the caller alone).
   */
  readonly blocks: BlockPool;
  /** A value computed once per evaluation for `node` (e.g. a whole result served region by region). */
  memo<T>(node: PlanNode, make: () => Promise<T>): Promise<T>;
}

export type OpEvaluator = (node: PlanNode, region: Region, ev: Evaluator) => Promise<Float64Array>;
