/**
 * @module `floe/data`: xarray-compatible datasets over zarrita. Open any Zarr store (v2, v3, Icechunk
 * sessions, folders), decode CF time in every CF calendar, stream group-by reductions along time on worker
 * threads, compute with lazy labelled arrays (`DataArray`, `LazyDataset`: xarray's semantics, streamed chunk by
 * chunk), and write results as xarray with zarr-python 3 would.
 */
export { openDataset, resolveStore, type OpenOptions, type Source } from "./open.ts";
export {
  getVariable,
  readChunk,
  readVariable,
  type Dataset,
  type Encoding,
  type Variable,
  type VariableData,
} from "./dataset.ts";
export { decodeTime, formatCalendarDate, parseTimeUnits, type TimeAxis, type TimeUnits } from "./cf-time.ts";
export { CALENDARS, parseCalendar, type Calendar, type CalendarDate } from "./calendar.ts";
export { GROUPINGS, REDUCERS, groupTime, parseGrouping, type Grouping, type Reducer, type TimeGroups } from "./groupby.ts";
export { groupReduce, seasonalMean, type GroupReduceOptions } from "./reduce.ts";
export { createReducerPool, type ReducerPool } from "./pool.ts";
export {
  writeDataset,
  writeRegion,
  writeTemplate,
  type Compressor,
  type RegionWriteOptions,
  type VariableEncoding,
  type WriteOptions,
} from "./write.ts";
export { appendDataset, type AppendOptions } from "./append.ts";
export { createSyntheticOceanTemp, syntheticOceanTemp, type SyntheticOptions } from "./synthetic.ts";
export {
  DTYPES,
  DataArray,
  LazyDataset,
  REDUCTIONS,
  applyUfunc,
  concat,
  merge,
  printPlan,
  slice,
  toCoord,
  type ApplyOptions,
  type BlockFunction,
  type BlockInfo,
  type BlockModule,
  type ComputeOptions,
  type ConcatOptions,
  type Coordinate,
  type Coords,
  type DType,
  type DataArrayInit,
  type IselValue,
  type Join,
  type Label,
  type PlanNode,
  type ReduceOptions,
  type Reduction,
  type Region,
  type SelOptions,
  type SelValue,
  type Slice,
  type TypedValues,
} from "./array/index.ts";
export { FileSystemStore, withStandaloneBuffers, type DataStore, type StandaloneStore } from "./store.ts";
export {
  AlignmentError,
  ChunkError,
  DatasetNotFoundError,
  InvalidDatasetError,
  InvalidOperationError,
  UnsupportedError,
  isDataError,
  type DataErrorContext,
} from "./errors.ts";
