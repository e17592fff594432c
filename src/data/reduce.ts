/**
 * @module `groupReduce`: xarray's `ds.groupby("time.<season|month|year>").<mean|min|max|sum|count>()` on a
 * lazy dataset, streamed chunk by chunk. Float32 in, float32 out, float64 accumulation; attributes kept.
 * A thin use of the labelled arrays' `group-reduce` node (ops/group-reduce.ts): one engine for every reduction.
 */
import { decodeTime } from "./cf-time.ts";
import { type Dataset, type Variable, type VariableData, getVariable, readVariable } from "./dataset.ts";
import { InvalidDatasetError, UnsupportedError, where } from "./errors.ts";
import { type Grouping, type Reducer, type TimeGroups, groupTime } from "./groupby.ts";
import { computeValues } from "./array/schedule.ts";
import { sourcePlan } from "./array/source.ts";
import { groupDType, groupReducePlan } from "./ops/group-reduce.ts";
import { knownCodecs } from "./codecs.ts";
import { splitCoords } from "./open.ts";
import type { StreamOptions } from "./stream.ts";

export interface GroupReduceOptions extends StreamOptions {
  by: Grouping;
  /** Default `mean`. */
  op?: Reducer | undefined;
  /** The time dimension (and its coordinate variable); default `time`. */
  dim?: string | undefined;
  /** Data variables to reduce; default every float data variable. Named ones must have the time dimension. */
  variables?: readonly string[] | undefined;
}

/** Throws if floe cannot decode a variable: unknown codec, or data that does not decode to floats. */
export function assertReducible(dataset: Dataset, variable: Variable): void {
  const ctx = { group: dataset.group, variable: variable.name };
  const codecs = knownCodecs();
  for (const codec of variable.lazy?.node.codecs ?? []) {
    const name = variable.lazy!.node.format === 2 ? `numcodecs.${codec}` : codec;
    if (codec !== "sharding_indexed" && !codecs.has(name)) {
      const c = { ...ctx, attribute: variable.lazy!.node.format === 2 ? "compressor" : "codecs" };
      throw new UnsupportedError(`${where(c)}: unsupported codec "${codec}"`, c);
    }
  }
  if (variable.dtype !== "float32" && variable.dtype !== "float64") {
    const c = { ...ctx, attribute: "dtype" };
    throw new UnsupportedError(`${where(c)}: unsupported dtype "${variable.dtype}" for a reduction (float32 or float64 only)`, c);
  }
}

/** Decodes the time coordinate and groups its steps. */
export async function timeGroups(dataset: Dataset, dim: string, by: Grouping): Promise<TimeGroups> {
  const time = dataset.variables[dim];
  if (!time || time.dims.length !== 1 || time.dims[0] !== dim) {
    const ctx = { group: dataset.group, variable: dim };
    throw new InvalidDatasetError(`${where(ctx)}: no "${dim}" coordinate variable to group by`, ctx);
  }
  const values = (await readVariable(time)) as ArrayLike<number | bigint>;
  const fill = time.encoding.fillValue;
  const attrs = fill === undefined ? time.attrs : { ...time.attrs, _FillValue: fill };
  return groupTime(decodeTime(values, attrs, { group: dataset.group, variable: dim }), by);
}

/** xarray's (2023.01) result for a variable without the time dimension: each group sees it once. */
function broadcast(values: VariableData, groups: TimeGroups, op: Reducer, float32: boolean): VariableData {
  const n = values.length;
  const out = float32 ? new Float32Array(groups.labels.length * n) : new Float64Array(groups.labels.length * n);
  for (let g = 0; g < groups.labels.length; g++) {
    for (let i = 0; i < n; i++) {
      const v = Number(values[i]);
      const valid = !Number.isNaN(v);
      out[g * n + i] = op === "sum" ? (valid ? v : 0) : op === "count" ? (valid ? 1 : 0) : v;
    }
  }
  return op === "count" ? BigInt64Array.from(out, (v) => BigInt(v)) : out;
}

/**
 * Group-by reduction along time, streamed chunk by chunk on worker threads.
 * @example
 * const ds = await openDataset(store, { group: "xarray/ocean-temp" });
 * const seasonal = await groupReduce(ds, { by: "season", op: "mean" });
 * seasonal.variables.season?.values; // ["DJF", "JJA", "MAM", "SON"]
 */
export async function groupReduce(dataset: Dataset, options: GroupReduceOptions): Promise<Dataset> {
  const dim = options.dim ?? "time";
  const op = options.op ?? "mean";
  const by = options.by;
  const names = options.variables ?? dataset.dataVars.filter((n) => ["float32", "float64"].includes(dataset.variables[n]!.dtype));
  for (const name of options.variables ?? []) {
    const v = getVariable(dataset, name);
    if (!v.dims.includes(dim)) {
      const ctx = { group: dataset.group, variable: name, attribute: v.lazy?.node.format === 2 ? "_ARRAY_DIMENSIONS" : "dimension_names" };
      throw new InvalidDatasetError(`${where(ctx)}: no "${dim}" dimension (dimensions: ${v.dims.join(", ") || "none"})`, ctx);
    }
  }
  for (const name of names) assertReducible(dataset, getVariable(dataset, name));
  const groups = await timeGroups(dataset, dim, by);
  const G = groups.labels.length;
  const variables: Record<string, Variable> = {};
  const label: Variable =
    by === "season"
      ? { name: by, dims: [by], shape: [G], dtype: "string", attrs: {}, encoding: { missing: [] }, values: groups.labels as string[] }
      : { name: by, dims: [by], shape: [G], dtype: "int64", attrs: {}, encoding: { missing: [] }, values: BigInt64Array.from(groups.labels as number[], BigInt) };
  variables[by] = label;
  for (const name of dataset.coords) {
    const v = dataset.variables[name]!;
    if (name === dim || v.dims.includes(dim)) continue;
    variables[name] = { ...v, lazy: undefined, values: await readVariable(v), encoding: { ...v.encoding, chunks: undefined } };
  }
  for (const name of names) {
    const v = dataset.variables[name]!;
    const float32 = v.dtype === "float32" && op !== "count";
    const dtype = op === "count" ? "int64" : v.dtype;
    const dims = v.dims.map((d) => (d === dim ? by : d));
    const base = { name, attrs: v.attrs, encoding: { missing: [], ...(op === "count" ? {} : { fillValue: Number.NaN }) } };
    if (!v.dims.includes(dim)) {
      const values = broadcast(await readVariable(v), groups, op, float32);
      variables[name] = { ...base, dims: [by, ...v.dims], shape: [G, ...v.shape], dtype, values };
      continue;
    }
    // One engine: the labelled arrays' group reduction (streamed by stream.ts for stored floats).
    const source = sourcePlan(v);
    const params = { fn: op, index: groups.index, groups: G, ddof: 0, emptyIsNaN: false };
    const plan = groupReducePlan(source, v.dims.indexOf(dim), by, params, groupDType(op, source.dtype, groups.sizes, false));
    const values = (await computeValues(plan, { stream: options })) as VariableData;
    variables[name] = { ...base, dims, shape: [...plan.shape], dtype, values };
  }
  const sorted = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : 1)));
  const dims: Record<string, number> = {};
  for (const v of Object.values(sorted)) v.dims.forEach((d, i) => (dims[d] = v.shape[i]!));
  return { group: dataset.group, attrs: dataset.attrs, dims, variables: sorted, ...splitCoords(sorted, dataset.attrs) };
}

/**
 * The seed's computation: `ds.groupby("time.season").mean()`.
 * @example
 * const seasonal = await seasonalMean(await openDataset(session, { group: "xarray/ocean-temp" }));
 */
export function seasonalMean(dataset: Dataset, options: Omit<GroupReduceOptions, "by" | "op"> = {}): Promise<Dataset> {
  return groupReduce(dataset, { ...options, by: "season", op: "mean" });
}
