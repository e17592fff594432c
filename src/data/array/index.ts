/** @module The labelled-array API of `floe/data`: lazy `DataArray`/`LazyDataset`, their plans and kernels' names. */
export { DataArray, toCoord, type DataArrayInit, type ReduceOptions } from "./data-array.ts";
export { LazyDataset } from "./lazy-dataset.ts";
export { slice, type IselValue, type SelOptions, type SelValue, type Slice } from "./indexing.ts";
export { printPlan, type PlanNode, type Region } from "./plan.ts";
export { DTYPES, type DType, type TypedValues } from "./dtypes.ts";
export { REDUCTIONS, type Reduction } from "./reduce-kernel.ts";
export type { Coordinate, Coords, Label } from "./coords.ts";
export type { ComputeOptions } from "./schedule.ts";
export type { Join } from "./align.ts";
export { concat, merge, type ConcatOptions } from "./combine.ts";
export { applyUfunc, type ApplyOptions, type BlockFunction, type BlockInfo, type BlockModule } from "./user-blocks.ts";
