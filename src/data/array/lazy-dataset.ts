/**
 * @module `LazyDataset`: named `DataArray`s sharing coordinates, xarray's `Dataset`. It is itself a `Dataset`
 * record (group, dims, variables, ...), so `writeDataset` streams its lazy variables chunk by chunk.
 */
import { type Dataset, type Variable, getVariable, readVariable } from "../dataset.ts";
import { InvalidOperationError } from "../errors.ts";
import type { Json } from "../metadata.ts";
import { type OpenOptions, type Source, openDataset, splitCoords } from "../open.ts";
import type { StandaloneStore } from "../store.ts";
import { type Coordinate, type Coords, coordinateVariable } from "./coords.ts";
import { DataArray } from "./data-array.ts";
import { DTYPES } from "./dtypes.ts";
import type { IselValue, SelOptions, SelValue } from "./indexing.ts";
import type { ComputeOptions } from "./schedule.ts";
import { sourcePlan } from "./source.ts";
import { type DatasetGrouped, groupDataset, resampleDataset } from "../ops/dataset-time.ts";
import type { ResampleOptions } from "../time/resample-bins.ts";
import { DatasetRolling, DatasetWeighted } from "../ops/dataset-windows.ts";
import type { RollingOptions } from "../ops/rolling.ts";

const COMPUTABLE: ReadonlySet<string> = new Set(DTYPES);


/** Coordinates whose dimensions an array has (scalar coordinates go everywhere). */
const coordsFor = (coords: Coords, dims: readonly string[]): Coords =>
  Object.fromEntries(Object.entries(coords).filter(([, c]) => c.dims.every((d) => dims.includes(d))));

export class LazyDataset implements Dataset {
  readonly group: string;
  readonly attrs: Json;
  readonly arrays: Readonly<Record<string, DataArray>>;
  /** Coordinates shared by the arrays, in memory. */
  readonly coordinates: Coords;
  readonly store?: StandaloneStore | undefined;
  /** Stored variables floe cannot compute with (strings): `get` explains. */
  readonly skipped: Readonly<Record<string, Variable>>;
  /** How variables are computed when read (a write): e.g. `{ pool }` to use worker threads. */
  readonly computeOptions: ComputeOptions;

  constructor(init: {
    arrays: Readonly<Record<string, DataArray>>;
    coords?: Coords;
    attrs?: Json;
    group?: string;
    store?: StandaloneStore | undefined;
    computeOptions?: ComputeOptions;
    skipped?: Readonly<Record<string, Variable>>;
  }) {
    this.computeOptions = init.computeOptions ?? {};
    this.skipped = init.skipped ?? {};
    this.arrays = init.arrays;
    const coords: Record<string, Coordinate> = { ...init.coords };
    for (const a of Object.values(init.arrays)) for (const [n, c] of Object.entries(a.coords)) coords[n] ??= c;
    this.coordinates = coords;
    this.attrs = init.attrs ?? {};
    this.group = init.group ?? "";
    this.store = init.store;
  }

  /**
   * A lazy labelled view of a stored dataset: coordinates are read now, data when computed or written.
   * @example
   * const ds = await LazyDataset.from(await openDataset(session, { group: "xarray/ocean-temp" }));
   */
  static async from(dataset: Dataset): Promise<LazyDataset> {
    const coords: Record<string, Coordinate> = {};
    for (const name of dataset.coords) {
      const v = getVariable(dataset, name);
      // The stored encoding (e.g. lat's `_FillValue`) is kept for writing back; the values are in memory now.
      coords[name] = { dims: v.dims, shape: v.shape, dtype: v.dtype, attrs: v.attrs, values: await readVariable(v), encoding: { ...v.encoding, chunks: undefined } };
    }
    const arrays: Record<string, DataArray> = {};
    const skipped: Record<string, Variable> = {};
    for (const name of dataset.dataVars) {
      const v = getVariable(dataset, name);
      // A variable floe cannot compute with (strings) stays out of the arrays: `get` names why.
      if (!COMPUTABLE.has(v.dtype)) {
        skipped[name] = v;
        continue;
      }
      arrays[name] = new DataArray({ plan: sourcePlan(v), coords: coordsFor(coords, v.dims), attrs: v.attrs, name });
    }
    return new LazyDataset({ arrays, coords, attrs: dataset.attrs, group: dataset.group, store: dataset.store, skipped });
  }

  /**
   * Opens one group of a Zarr store (see `openDataset`) as a lazy labelled dataset.
   * @example
   * const ds = await LazyDataset.open("/data/ocean.zarr", { group: "xarray/ocean-temp" });
   * const sst = ds.get("temp").isel({ depth: 0 });
   */
  static async open(source: Source, options: OpenOptions = {}): Promise<LazyDataset> {
    return LazyDataset.from(await openDataset(source, options));
  }

  /**
   * The data variable `name` (xarray's `ds["temp"]`), or a dataset of the named ones with the coordinates they
   * use (`ds[["temp"]]`); an unknown name is an error listing those there are.
   * @example
   * const temp = ds.get("temp");
   * const seasonal = ds.get(["temp"]).groupby("time.season").mean("time");
   */
  get(name: string): DataArray;
  get(names: readonly string[]): LazyDataset;
  get(name: string | readonly string[]): DataArray | LazyDataset {
    if (typeof name !== "string") {
      const arrays = Object.fromEntries(name.map((n) => [n, this.get(n)] as const));
      const used = new Set(Object.values(arrays).flatMap((a) => [...a.dims, ...Object.keys(a.coords)]));
      const coords = Object.fromEntries(Object.entries(this.coordinates).filter(([n, c]) => used.has(n) || c.dims.every((d) => used.has(d))));
      return new LazyDataset({ arrays, coords, attrs: this.attrs, group: this.group, store: this.store, computeOptions: this.computeOptions });
    }
    const a = this.arrays[name];
    if (a) return a;
    const skipped = this.skipped[name];
    if (skipped) return DataArray.fromVariable(skipped); // throws: the dtype floe cannot compute with
    getVariable(this, name);
    throw new Error("unreachable");
  }

  /** Dimension name -> length. */
  get dims(): Readonly<Record<string, number>> {
    const dims: Record<string, number> = {};
    for (const a of Object.values(this.arrays)) a.dims.forEach((d, i) => (dims[d] = a.shape[i]!));
    for (const c of Object.values(this.coordinates)) c.dims.forEach((d, i) => (dims[d] ??= c.shape[i]!));
    return dims;
  }

  /** Every variable as the `Dataset` record has them: coordinates in memory, data computed when read. */
  get variables(): Readonly<Record<string, Variable>> {
    const out: Record<string, Variable> = {};
    for (const [n, c] of Object.entries(this.coordinates)) out[n] = c.encoding ? { ...coordinateVariable(n, c), encoding: c.encoding } : coordinateVariable(n, c);
    for (const [n, a] of Object.entries(this.arrays)) {
      const v = a.toVariable(n);
      // Non-dimension coordinates (e.g. `month` along time after group arithmetic) are named in CF `coordinates`, as xarray writes them.
      const aux = Object.keys(a.coords).filter((c) => !(a.coords[c]!.dims.length === 1 && a.coords[c]!.dims[0] === c)).sort().join(" ");
      out[n] = aux ? { ...v, encoding: { ...v.encoding, coordinates: aux } } : v;
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  get coords(): readonly string[] {
    return splitCoords(this.variables, this.attrs).coords.filter((n) => n in this.coordinates).concat(Object.keys(this.coordinates).filter((n) => !(n in this.arrays))).filter((n, i, all) => all.indexOf(n) === i).sort();
  }
  get dataVars(): readonly string[] {
    return Object.keys(this.arrays).sort();
  }

  /** Applies `fn` to every data variable; coordinates follow the results. */
  map(fn: (array: DataArray, name: string) => DataArray): LazyDataset {
    const arrays = Object.fromEntries(Object.entries(this.arrays).map(([n, a]) => [n, fn(a, n)]));
    const coords: Record<string, Coordinate> = {};
    for (const a of Object.values(arrays)) Object.assign(coords, a.coords);
    return new LazyDataset({ arrays, coords, attrs: this.attrs, group: this.group, store: this.store, computeOptions: this.computeOptions });
  }

  /**
   * The same dataset computed with `options` when written (e.g. on a worker pool).
   * @example
   * await writeDataset(session, "out", ds.withCompute({ pool }));
   */
  withCompute(options: ComputeOptions): LazyDataset {
    return new LazyDataset({ arrays: this.arrays, coords: this.coordinates, attrs: this.attrs, group: this.group, store: this.store, computeOptions: options });
  }

  /** Position selection on every variable that has the dimensions. */
  isel(selection: Readonly<Record<string, IselValue>>): LazyDataset {
    return this.map((a) => a.isel(only(selection, a.dims)));
  }
  /** Label selection on every variable that has the dimensions. */
  sel(selection: Readonly<Record<string, SelValue>>, options?: SelOptions): LazyDataset {
    return this.map((a) => a.sel(only(selection, a.dims), options));
  }
  /** Reduces every variable over the dimensions it has (variables without them are kept). */
  reduce(fn: Parameters<DataArray["reduce"]>[0], dims?: string | readonly string[], options?: Parameters<DataArray["reduce"]>[2]): LazyDataset {
    const list = dims === undefined ? undefined : typeof dims === "string" ? [dims] : dims;
    return this.map((a) => {
      const mine = list?.filter((d) => a.dims.includes(d));
      return mine && mine.length === 0 ? a : a.reduce(fn, mine, options);
    });
  }
  mean = (dims?: string | readonly string[]): LazyDataset => this.reduce("mean", dims);
  sum = (dims?: string | readonly string[]): LazyDataset => this.reduce("sum", dims);
  min = (dims?: string | readonly string[]): LazyDataset => this.reduce("min", dims);
  max = (dims?: string | readonly string[]): LazyDataset => this.reduce("max", dims);
  std = (dims?: string | readonly string[], options?: { ddof?: number }): LazyDataset => this.reduce("std", dims, options);
  count = (dims?: string | readonly string[]): LazyDataset => this.reduce("count", dims);
  var = (dims?: string | readonly string[], options?: { ddof?: number }): LazyDataset => this.reduce("var", dims, options);
  median = (dims?: string | readonly string[]): LazyDataset => this.reduce("median", dims);
  /** numpy's linear quantile of every variable (a list of q adds a leading `quantile` dimension, as xarray). */
  quantile = (q: number | readonly number[], dims?: string | readonly string[]): LazyDataset => this.reduce("quantile", dims, { q });

  /**
   * Renames variables, dimensions and coordinates (xarray's `Dataset.rename`).
   * @example
   * ds.rename({ temp: "sst", lat: "latitude" });
   */
  rename(names: Readonly<Record<string, string>>): LazyDataset {
    const known = new Set([...Object.keys(this.arrays), ...Object.keys(this.dims), ...Object.keys(this.coordinates)]);
    for (const from of Object.keys(names)) {
      if (!known.has(from)) throw new InvalidOperationError(`rename: no variable, dimension or coordinate "${from}" (have: ${[...known].sort().join(", ")})`, { variable: from });
    }
    const arrays: Record<string, DataArray> = {};
    for (const [n, a] of Object.entries(this.arrays)) {
      const mine = Object.fromEntries(Object.entries(names).filter(([k]) => a.dims.includes(k) || k in a.coords));
      const renamed = Object.keys(mine).length ? a.rename(mine) : a;
      arrays[names[n] ?? n] = renamed.rename(names[n] ?? n);
    }
    const coords = Object.fromEntries(Object.entries(this.coordinates).map(([n, c]) => [names[n] ?? n, { ...c, dims: c.dims.map((d) => names[d] ?? d) }]));
    return new LazyDataset({ arrays, coords, attrs: this.attrs, group: this.group, store: this.store, computeOptions: this.computeOptions });
  }

  /** Adds or replaces data variables (xarray's `assign`); their coordinates join the dataset's. */
  assign(arrays: Readonly<Record<string, DataArray>>): LazyDataset {
    const named = Object.fromEntries(Object.entries(arrays).map(([n, a]) => [n, a.rename(n)]));
    return new LazyDataset({ arrays: { ...this.arrays, ...named }, coords: this.coordinates, attrs: this.attrs, group: this.group, store: this.store, computeOptions: this.computeOptions });
  }

  /** Drops data variables or coordinates by name. */
  dropVars(names: string | readonly string[]): LazyDataset {
    const list = typeof names === "string" ? [names] : names;
    for (const n of list) {
      if (!(n in this.arrays) && !(n in this.coordinates)) {
        throw new InvalidOperationError(`dropVars: no variable "${n}" (variables: ${[...Object.keys(this.arrays), ...Object.keys(this.coordinates)].sort().join(", ")})`, { variable: n });
      }
    }
    const arrays = Object.fromEntries(
      Object.entries(this.arrays)
        .filter(([n]) => !list.includes(n))
        .map(([n, a]) => [n, a.with({ coords: Object.fromEntries(Object.entries(a.coords).filter(([c]) => !list.includes(c))) })]),
    );
    const coords = Object.fromEntries(Object.entries(this.coordinates).filter(([n]) => !list.includes(n)));
    return new LazyDataset({ arrays, coords, attrs: this.attrs, group: this.group, store: this.store, computeOptions: this.computeOptions });
  }

  /**
   * Groups every variable along time by a component; variables without time are broadcast over the groups.
   * @example
   * const seasonal = ds.groupby("time.season").mean();
   */
  groupby(key: string): DatasetGrouped<LazyDataset> {
    return groupDataset(this, key);
  }

  /**
   * Resamples every variable along time (see `DataArray.resample`).
   * @example
   * const monthly = ds.resample({ time: "MS" }).mean();
   */
  resample(frequency: Readonly<Record<string, string>>, options?: ResampleOptions): DatasetGrouped<LazyDataset> {
    return resampleDataset(this, frequency, options);
  }

  /**
   * Moving windows over every variable with the dimension; the others are kept as they are.
   * @example
   * const smooth = ds.rolling({ time: 7 }, { center: true }).mean();
   */
  rolling(windows: Readonly<Record<string, number>>, options?: RollingOptions): DatasetRolling<LazyDataset> {
    return new DatasetRolling(this, windows, options);
  }

  /**
   * Weighted reductions of every variable (see `DataArray.weighted`).
   * @example
   * const globalMeans = ds.weighted(ds.get("temp").coord("lat").deg2rad().cos()).mean(["lat", "lon"]);
   */
  weighted(weights: DataArray): DatasetWeighted<LazyDataset> {
    return new DatasetWeighted(this, weights);
  }

  /** Evaluates every variable into memory. */
  async compute(options?: ComputeOptions): Promise<LazyDataset> {
    const arrays: Record<string, DataArray> = {};
    for (const [n, a] of Object.entries(this.arrays)) arrays[n] = await a.compute(options);
    return new LazyDataset({ arrays, coords: this.coordinates, attrs: this.attrs, group: this.group, store: this.store });
  }
}

const only = <T>(selection: Readonly<Record<string, T>>, dims: readonly string[]): Record<string, T> =>
  Object.fromEntries(Object.entries(selection).filter(([d]) => dims.includes(d)));
