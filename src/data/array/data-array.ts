/**
 * @module `DataArray`: a lazy labelled array with xarray's semantics. Every method returns a new array whose
 * plan (plan.ts) grows by a node; nothing is read until `compute()`, `values()` or a write streams it.
 */
import type { Variable, VariableData } from "../dataset.ts";
import { InvalidOperationError, UnsupportedError } from "../errors.ts";
import type { Json } from "../metadata.ts";
import { type Aligned, type Join, align, broadcastTo, indexOf, mergeCoords, reindex, unionDims } from "./align.ts";
import { type Coordinate, type Coords, labelsOf } from "./coords.ts";
import { type DType, isFloat, parseDType, promote, promoteScalar, reducedDType } from "./dtypes.ts";
import { type IselValue, type Picked, type SelOptions, type SelValue, labelIndexer, positionIndexer } from "./indexing.ts";
import { MAP_FUNCTIONS } from "./kernels.ts";
import { type PlanNode, node, printPlan } from "./plan.ts";
import { type Reduction, REDUCTIONS } from "./reduce-kernel.ts";
import { type ComputeOptions, computeValues, planVariable } from "./schedule.ts";
import { sourcePlan } from "./source.ts";
import { type ApplyOptions, type BlockFunction, type BlockModule, applyUfunc } from "./user-blocks.ts";
import type { TypedValues } from "./dtypes.ts";
import { Resample, type ResampleOptions } from "../ops/resample.ts";
import { Rolling, type RollingOptions } from "../ops/rolling.ts";
import { TimeGroupBy } from "../ops/time-groupby.ts";
import { timeIndexer } from "../ops/time-select.ts";
import { Weighted } from "../ops/weighted.ts";
import { TimeAccessor } from "../ops/dt.ts";
import { arrayCoordinate, codeOf } from "../ops/labels.ts";
import { forwardFill, interpolateMissing } from "../ops/fill.ts";
import { type InterpOptions, interp } from "../ops/interp.ts";
import { type PadMode, pad, roll } from "../ops/pad.ts";

export interface DataArrayInit {
  readonly plan: PlanNode;
  readonly coords?: Coords | undefined;
  readonly attrs?: Json | undefined;
  readonly name?: string | undefined;
}

export interface ReduceOptions {
  /** Skip NaN (default true, as xarray for floats). */
  skipna?: boolean | undefined;
  /** Delta degrees of freedom for std/var (default 0). */
  ddof?: number | undefined;
}

type Operand = DataArray | number;

/** Float dtype able to hold NaN for values of `d` (xarray's `maybe_promote`). */
const withNaN = (d: DType): DType => (isFloat(d) ? d : d === "int8" || d === "int16" || d === "uint8" || d === "uint16" || d === "bool" ? "float32" : "float64");

export class DataArray implements Aligned {
  readonly plan: PlanNode;
  readonly coords: Coords;
  readonly attrs: Json;
  readonly name: string | undefined;

  constructor(init: DataArrayInit) {
    this.plan = init.plan;
    this.coords = init.coords ?? {};
    this.attrs = init.attrs ?? {};
    this.name = init.name;
  }

  /**
   * An array over values in memory.
   * @example
   * const w = DataArray.fromValues(Float64Array.of(0.5, 1), { dims: ["lat"], coords: { lat: Float64Array.of(-45, 0) } });
   */
  static fromValues(
    values: VariableData | readonly number[],
    options: { dims: readonly string[]; shape?: readonly number[]; dtype?: string; coords?: Readonly<Record<string, Coordinate | VariableData | readonly number[]>>; attrs?: Json; name?: string },
  ): DataArray {
    const data = (Array.isArray(values) ? Float64Array.from(values as unknown as number[]) : values) as VariableData;
    const shape = options.shape ?? (options.dims.length === 1 ? [data.length] : options.dims.length === 0 ? [] : undefined);
    if (!shape) throw new InvalidOperationError("DataArray.fromValues: give `shape` for arrays of more than one dimension", {});
    const dtype = options.dtype ?? dtypeOfValues(data);
    const variable: Variable = { name: options.name ?? "values", dims: options.dims, shape, dtype, attrs: options.attrs ?? {}, encoding: { missing: [] }, values: data };
    const coords: Record<string, Coordinate> = {};
    for (const [n, c] of Object.entries(options.coords ?? {})) {
      if (!("dims" in c)) {
        const v = (Array.isArray(c) ? Float64Array.from(c as unknown as number[]) : c) as VariableData;
        coords[n] = { dims: [n], shape: [v.length], values: v, dtype: dtypeOfValues(v), attrs: {} };
      } else coords[n] = c as Coordinate;
    }
    return new DataArray({ plan: sourcePlan(variable), coords, attrs: options.attrs, name: options.name });
  }

  /**
   * A lazy array over a variable (stored, generated chunk by chunk, or in memory).
   * @example
   * const temp = DataArray.fromVariable(getVariable(await openDataset(src), "temp"));
   */
  static fromVariable(variable: Variable, coords: Coords = {}): DataArray {
    return new DataArray({ plan: sourcePlan(variable), coords, attrs: variable.attrs, name: variable.name });
  }

  get dims(): readonly string[] {
    return this.plan.dims;
  }
  get shape(): readonly number[] {
    return this.plan.shape;
  }
  get dtype(): DType {
    return this.plan.dtype;
  }
  /** Dimension name -> length. */
  get sizes(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.dims.map((d, i) => [d, this.shape[i]!]));
  }

  /** The plan, one node per line. */
  toString(): string {
    return printPlan(this.plan);
  }

  /** A copy with some fields replaced. */
  with(change: Partial<DataArrayInit>): DataArray {
    return new DataArray({ plan: this.plan, coords: this.coords, attrs: this.attrs, name: this.name, ...change });
  }

  private axis(dim: string, what = "dimension"): number {
    const i = this.dims.indexOf(dim);
    if (i < 0) throw new InvalidOperationError(`${what} "${dim}" not found (dimensions: ${this.dims.join(", ") || "none"})`, { attribute: dim });
    return i;
  }

  private withPicks(picks: Record<string, Picked>): DataArray {
    const r = reindex(this, picks);
    return this.with({ plan: r.plan, coords: r.coords });
  }

  /**
   * Selection by position: integers (negative from the end) drop the dimension, slices and lists keep it.
   * @example
   * da.isel({ time: 0, lat: slice(0, 10) });
   */
  isel(selection: Readonly<Record<string, IselValue>>): DataArray {
    const picks: Record<string, Picked> = {};
    for (const [dim, value] of Object.entries(selection)) picks[dim] = positionIndexer(dim, this.shape[this.axis(dim)]!, value);
    return this.withPicks(picks);
  }

  /**
   * Selection by label: inclusive slices, lists, `{ method: "nearest" }`. A missing label names the nearest.
   * @example
   * da.sel({ lat: slice(-30, 30), lon: 180.5 }, { method: "nearest" });
   */
  sel(selection: Readonly<Record<string, SelValue>>, options: SelOptions = {}): DataArray {
    const picks: Record<string, Picked> = {};
    for (const [dim, value] of Object.entries(selection)) {
      const len = this.shape[this.axis(dim)]!;
      const index = indexOf(this, dim);
      if (value instanceof Date) throw new UnsupportedError(`dimension "${dim}": select dates with date strings`, { attribute: dim });
      const time = timeIndexer(dim, index, value);
      if (time) {
        picks[dim] = time;
        continue;
      }
      if (!index) {
        // Without a coordinate, labels are positions (as xarray).
        picks[dim] = positionIndexer(dim, len, value as IselValue);
        continue;
      }
      picks[dim] = labelIndexer(dim, labelsOf(index), value as never, options);
    }
    return this.withPicks(picks);
  }

  /**
   * Renames dimensions (and their coordinates), or the array itself when given a string.
   * @example
   * da.rename({ lat: "latitude" }); da.rename("sst");
   */
  rename(names: string | Readonly<Record<string, string>>): DataArray {
    if (typeof names === "string") return this.with({ name: names });
    for (const from of Object.keys(names)) if (!this.dims.includes(from) && !(from in this.coords)) this.axis(from, "dimension or coordinate");
    const to = (d: string) => names[d] ?? d;
    const dims = this.dims.map(to);
    const plan = dims.some((d, i) => d !== this.dims[i]) ? node("rename", [this.plan], { names }, { ...this.plan, dims }) : this.plan;
    const coords = Object.fromEntries(Object.entries(this.coords).map(([n, c]) => [to(n), { ...c, dims: c.dims.map(to) }]));
    return this.with({ plan, coords });
  }

  /**
   * Reorders dimensions; `...` stands for the ones not named.
   * @example
   * da.transpose("lon", "lat", "time"); da.transpose("time", "...");
   */
  transpose(...order: string[]): DataArray {
    const named = order.filter((d) => d !== "...");
    for (const d of named) this.axis(d);
    const rest = this.dims.filter((d) => !named.includes(d));
    const at = order.indexOf("...");
    const dims = order.length === 0 ? [...this.dims].reverse() : at < 0 ? named : [...order.slice(0, at), ...rest, ...order.slice(at + 1)];
    if (dims.length !== this.dims.length) {
      throw new InvalidOperationError(`transpose: give every dimension or "..." (dimensions: ${this.dims.join(", ")}; given: ${order.join(", ")})`, {});
    }
    return this.with({ plan: broadcastTo(this.plan, dims, dims.map((d) => this.sizes[d]!)) });
  }

  /**
   * Adds dimensions of length 1 (or given lengths, broadcast) in front, or at `axis`.
   * @example
   * da.expandDims("member"); da.expandDims({ member: 3 });
   */
  expandDims(dims: string | readonly string[] | Readonly<Record<string, number>>, axis = 0): DataArray {
    const added: Record<string, number> = typeof dims === "string" ? { [dims]: 1 } : Array.isArray(dims) ? Object.fromEntries((dims as string[]).map((d) => [d, 1])) : (dims as Record<string, number>);
    for (const d of Object.keys(added)) {
      if (this.dims.includes(d)) throw new InvalidOperationError(`expandDims: dimension "${d}" already exists (dimensions: ${this.dims.join(", ")})`, { attribute: d });
    }
    const names = [...this.dims];
    names.splice(axis, 0, ...Object.keys(added));
    const sizes = { ...this.sizes, ...added };
    // A scalar coordinate of the same name becomes the new dimension's coordinate.
    const coords: Record<string, Coordinate> = { ...this.coords };
    for (const d of Object.keys(added)) {
      const c = coords[d];
      if (c && c.dims.length === 0) coords[d] = { ...c, dims: [d], shape: [1] };
    }
    return this.with({ plan: broadcastTo(this.plan, names, names.map((d) => sizes[d]!)), coords });
  }

  /**
   * Adds or replaces coordinates (1-D values along a dimension, full coordinates, or arrays held in memory).
   * @example
   * da.assignCoords({ lon: Float64Array.from(lons, (x) => ((x + 180) % 360) - 180) });
   * da.assignCoords({ season: da.coord("time").dt.season }); // strings DJF, MAM, ... along time
   */
  assignCoords(coords: Readonly<Record<string, Coordinate | DataArray | VariableData | readonly number[]>>): DataArray {
    const out: Record<string, Coordinate> = { ...this.coords };
    for (const [n, c] of Object.entries(coords)) {
      // An array in memory (e.g. `dt.season`, its labels as strings) or a plain coordinate.
      const coord: Coordinate = c instanceof DataArray ? arrayCoordinate(n, c) : "dims" in c ? (c as Coordinate) : toCoord(n, c as VariableData | readonly number[]);
      coord.dims.forEach((d, i) => {
        if (this.sizes[d] !== undefined && this.sizes[d] !== coord.shape[i]) {
          throw new InvalidOperationError(`assignCoords: "${n}" has ${coord.shape[i]} values along "${d}", which has length ${this.sizes[d]}`, { attribute: n });
        }
      });
      out[n] = coord;
    }
    return this.with({ coords: out });
  }

  /** Drops coordinates by name (xarray's `drop_vars` on an array). */
  dropVars(names: string | readonly string[]): DataArray {
    const list = typeof names === "string" ? [names] : names;
    for (const n of list) if (!(n in this.coords)) throw new InvalidOperationError(`dropVars: no coordinate "${n}" (coordinates: ${Object.keys(this.coords).join(", ") || "none"})`, { attribute: n });
    return this.with({ coords: Object.fromEntries(Object.entries(this.coords).filter(([n]) => !list.includes(n))) });
  }

  /**
   * Sorts along a 1-D coordinate (stable, NaN last), as xarray's `sortby`.
   * @example
   * da.sortby("lat"); da.sortby("lon", false);
   */
  sortby(name: string, ascending = true): DataArray {
    const c = this.coords[name];
    if (!c || c.dims.length !== 1) throw new InvalidOperationError(`sortby: no 1-D coordinate "${name}" (coordinates: ${Object.keys(this.coords).join(", ") || "none"})`, { attribute: name });
    const labels = labelsOf(c);
    const order = labels.map((_, i) => i).sort((a, b) => {
      const [x, y] = [labels[a]!, labels[b]!];
      const cmp = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? cmp : -cmp;
    });
    // numpy's lexsort reversed for descending: ties keep reverse order, as xarray does.
    if (!ascending) order.reverse().sort((a, b) => (labels[a]! < labels[b]! ? 1 : labels[a]! > labels[b]! ? -1 : 0));
    return this.withPicks({ [c.dims[0]!]: { ix: { kind: "take", index: Int32Array.from(order) }, size: order.length } });
  }

  /**
   * Casts to a dtype as numpy's `astype` does; an unsupported dtype is an error, never a silent cast.
   * @example
   * da.astype("float64"); da.astype("int16");
   */
  astype(dtype: string): DataArray {
    const d = parseDType(dtype, "astype dtype");
    return this.with({ plan: node("map", [this.plan], { fn: "astype", args: [] }, { ...this.plan, dtype: d }) });
  }

  /**
   * An elementwise function of this array and others (aligned with `join`, broadcast by dimension name).
   * Scalars go in as arguments; `dtype` decides the result's type.
   */
  elementwise(fn: string, operands: readonly Operand[], dtype: (dtypes: DType[]) => DType, options: { join?: Join; args?: readonly number[] } = {}): DataArray {
    if (!MAP_FUNCTIONS.has(fn)) throw new UnsupportedError(`unknown elementwise function "${fn}"`, {});
    const arrays = [this, ...operands.filter((o): o is DataArray => o instanceof DataArray)];
    const scalars = operands.filter((o): o is number => typeof o === "number");
    const aligned = align(arrays, options.join ?? "inner");
    const { dims, shape } = unionDims(aligned);
    const inputs = aligned.map((a) => broadcastTo(a.plan, dims, shape));
    const d = dtype(arrays.map((a) => a.dtype));
    const chunks = dims.map((dim) => {
      const from = inputs.find((p) => p.dims.includes(dim))!;
      return from.chunks[from.dims.indexOf(dim)]!;
    });
    const plan = node("map", inputs, { fn, args: [...scalars, ...(options.args ?? [])] }, { dims, shape, dtype: d, chunks });
    const others = operands.filter((o): o is DataArray => o instanceof DataArray);
    const name = others.every((o) => o.name === this.name) ? this.name : undefined;
    return new DataArray({ plan, coords: mergeCoords(aligned), attrs: {}, name });
  }

  private arith(fn: string, other: Operand, reflected = false): DataArray {
    const comparison = ["eq", "ne", "lt", "le", "gt", "ge", "and", "or", "xor"].includes(fn);
    const divides = fn === "div";
    const type = (ds: DType[]): DType => {
      if (comparison) return "bool";
      const t = typeof other === "number" ? promoteScalar(ds[0]!, other) : promote(ds[0]!, ds[1]!);
      return divides && !isFloat(t) ? "float64" : t;
    };
    return this.elementwise(reflected && typeof other === "number" ? `r${fn}` : fn, [other], type);
  }

  /** `this + other` (broadcast by dimension name; coordinates joined as xarray's default inner join). */
  add(other: Operand): DataArray {
    return this.arith("add", other);
  }
  sub(other: Operand): DataArray {
    return this.arith("sub", other);
  }
  mul(other: Operand): DataArray {
    return this.arith("mul", other);
  }
  div(other: Operand): DataArray {
    return this.arith("div", other);
  }
  pow(other: Operand): DataArray {
    return this.arith("pow", other);
  }
  mod(other: Operand): DataArray {
    return this.arith("mod", other);
  }
  floordiv(other: Operand): DataArray {
    return this.arith("floordiv", other);
  }
  /** `scalar - this` (and `rdiv`, `rpow`): the scalar on the left. */
  rsub(other: number): DataArray {
    return this.arith("sub", other, true);
  }
  rdiv(other: number): DataArray {
    return this.arith("div", other, true);
  }
  rpow(other: number): DataArray {
    return this.arith("pow", other, true);
  }
  /** `this == other`; a label (`"DJF"`) compares a label array such as `dt.season` (ops/labels.ts). */
  eq(other: Operand | string): DataArray {
    return this.arith("eq", typeof other === "string" ? codeOf(this, other, "eq") : other);
  }
  ne(other: Operand | string): DataArray {
    return this.arith("ne", typeof other === "string" ? codeOf(this, other, "ne") : other);
  }
  lt(other: Operand): DataArray {
    return this.arith("lt", other);
  }
  le(other: Operand): DataArray {
    return this.arith("le", other);
  }
  gt(other: Operand): DataArray {
    return this.arith("gt", other);
  }
  ge(other: Operand): DataArray {
    return this.arith("ge", other);
  }
  and(other: Operand): DataArray {
    return this.arith("and", other);
  }
  or(other: Operand): DataArray {
    return this.arith("or", other);
  }
  xor(other: Operand): DataArray {
    return this.arith("xor", other);
  }

  /** A one-input numpy function by name (`abs`, `sqrt`, `exp`, `log`, `sin`, `deg2rad`, `floor`, ...). */
  apply(fn: string, args: readonly number[] = []): DataArray {
    const logical = fn === "isnull" || fn === "notnull" || fn === "not" || fn === "isin";
    const keeps = ["neg", "abs", "fillna", "clip", "sign", "square", "round"].includes(fn);
    const rounds = fn === "floor" || fn === "ceil" || fn === "trunc";
    const type = ([d]: DType[]): DType => (logical ? "bool" : keeps || (rounds && isFloat(d!)) ? d! : isFloat(d!) ? d! : withFloat(d!));
    const kept = this.elementwise(fn, [], type, { args });
    return keeps || fn === "astype" ? kept.with({ attrs: this.attrs }) : kept;
  }
  neg = (): DataArray => this.apply("neg");
  abs = (): DataArray => this.apply("abs");
  sqrt = (): DataArray => this.apply("sqrt");
  square = (): DataArray => this.apply("square");
  exp = (): DataArray => this.apply("exp");
  expm1 = (): DataArray => this.apply("expm1");
  log = (): DataArray => this.apply("log");
  log10 = (): DataArray => this.apply("log10");
  log2 = (): DataArray => this.apply("log2");
  log1p = (): DataArray => this.apply("log1p");
  sin = (): DataArray => this.apply("sin");
  cos = (): DataArray => this.apply("cos");
  tan = (): DataArray => this.apply("tan");
  arcsin = (): DataArray => this.apply("arcsin");
  arccos = (): DataArray => this.apply("arccos");
  arctan = (): DataArray => this.apply("arctan");
  sinh = (): DataArray => this.apply("sinh");
  cosh = (): DataArray => this.apply("cosh");
  tanh = (): DataArray => this.apply("tanh");
  deg2rad = (): DataArray => this.apply("deg2rad");
  rad2deg = (): DataArray => this.apply("rad2deg");
  floor = (): DataArray => this.apply("floor");
  ceil = (): DataArray => this.apply("ceil");
  trunc = (): DataArray => this.apply("trunc");
  sign = (): DataArray => this.apply("sign");
  /** Rounds half to even, as numpy (`decimals` places). */
  round = (decimals = 0): DataArray => this.apply("round", [decimals]);
  /** True where values are NaN. */
  isnull = (): DataArray => this.apply("isnull");
  notnull = (): DataArray => this.apply("notnull");

  /** Values between `min` and `max` (either may be omitted); NaN stays NaN. */
  clip(min?: number | null, max?: number | null): DataArray {
    return this.apply("clip", [min ?? NaN, max ?? NaN]);
  }

  /** True where the value is one of `values` (labels for a label array: `season.isin(["DJF", "JJA"])`). */
  isin(values: readonly number[] | readonly string[]): DataArray {
    return this.apply("isin", values.map((v) => (typeof v === "string" ? codeOf(this, v, "isin") : v)));
  }

  /**
   * NaN replaced by `value`: a scalar, or an array broadcast by dimension name (a left join keeps this array's
   * coordinates, as xarray's `fillna`).
   */
  fillna(value: Operand): DataArray {
    if (typeof value === "number") return this.apply("fillna", [value]);
    return this.elementwise("fillna", [value], ([a, b]) => promote(a!, b!), { join: "left" }).with({ attrs: this.attrs, name: this.name });
  }

  /** This array's values, and `other`'s where this one has none (outer join of coordinates). */
  combineFirst(other: DataArray): DataArray {
    return this.elementwise("fillna", [other], ([a, b]) => promote(a!, b!), { join: "outer" }).with({ attrs: this.attrs, name: this.name });
  }

  /**
   * Values where `cond` is true, `other` (default NaN) elsewhere.
   * @example
   * da.where(da.gt(0)); da.where(mask, 0);
   */
  where(cond: DataArray, other: Operand = NaN): DataArray {
    const ops: Operand[] = typeof other === "number" ? [cond] : [cond, other];
    const type = (ds: DType[]): DType => (typeof other === "number" ? (Number.isNaN(other) ? withNaN(ds[0]!) : promoteScalar(ds[0]!, other)) : promote(ds[0]!, ds[2]!));
    // The kernel takes (cond, x, y): put the condition first.
    const r = this.elementwise("where", ops, type, { args: typeof other === "number" ? [other] : [] });
    const [x, c, y] = r.plan.inputs;
    const plan = node("map", y ? [c!, x!, y] : [c!, x!], r.plan.params, r.plan);
    return r.with({ plan, attrs: this.attrs, name: this.name });
  }

  /**
   * Reduces over `dims` (default all) with `fn`; NaN skipped unless `skipna: false`.
   * @example
   * da.reduce("mean", ["lat", "lon"]);
   */
  reduce(fn: Reduction, dims?: string | readonly string[], options: ReduceOptions & { q?: number | readonly number[] } = {}): DataArray {
    if (!REDUCTIONS.includes(fn)) throw new UnsupportedError(`unknown reduction "${fn}" (supported: ${REDUCTIONS.join(", ")})`, {});
    const list = dims === undefined ? [...this.dims] : typeof dims === "string" ? [dims] : [...dims];
    const axes = list.map((d) => this.axis(d));
    const keep = this.dims.filter((d) => !list.includes(d));
    const q = options.q === undefined ? [] : typeof options.q === "number" ? [options.q] : [...options.q];
    for (const x of q) if (!(x >= 0 && x <= 1)) throw new InvalidOperationError(`quantile: q must be in [0, 1], got ${x}`, {});
    const many = fn === "quantile" && typeof options.q !== "number";
    const dimsOut = many ? ["quantile", ...keep] : keep;
    const shapeOut = dimsOut.map((d) => (d === "quantile" ? q.length : this.sizes[d]!));
    const chunks = dimsOut.map((d) => (d === "quantile" ? q.length : this.plan.chunks[this.dims.indexOf(d)]!));
    const dtype = fn === "quantile" ? "float64" : reducedDType(fn, this.dtype);
    const params = { fn, axes, skipna: options.skipna ?? true, ddof: options.ddof ?? 0, q };
    const plan = node("reduce", [this.plan], params, { dims: dimsOut, shape: shapeOut, dtype, chunks });
    const coords: Record<string, Coordinate> = Object.fromEntries(Object.entries(this.coords).filter(([, c]) => !c.dims.some((d) => list.includes(d))));
    if (fn === "quantile") coords.quantile = many ? toCoord("quantile", Float64Array.from(q)) : { dims: [], shape: [], values: Float64Array.of(q[0]!), dtype: "float64", attrs: {} };
    return new DataArray({ plan, coords, attrs: {}, name: this.name });
  }
  mean = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("mean", dims, options);
  sum = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("sum", dims, options);
  prod = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("prod", dims, options);
  min = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("min", dims, options);
  max = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("max", dims, options);
  std = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("std", dims, options);
  var = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("var", dims, options);
  count = (dims?: string | readonly string[]): DataArray => this.reduce("count", dims);
  median = (dims?: string | readonly string[], options?: ReduceOptions): DataArray => this.reduce("median", dims, options);
  any = (dims?: string | readonly string[]): DataArray => this.reduce("any", dims);
  all = (dims?: string | readonly string[]): DataArray => this.reduce("all", dims);
  /** numpy's linear quantile; an array of q adds a leading `quantile` dimension. */
  quantile = (q: number | readonly number[], dims?: string | readonly string[], options?: ReduceOptions): DataArray =>
    this.reduce("quantile", dims, { ...options, q });

  /**
   * Evaluates the plan chunk by chunk: the values in the dtype's typed array, C order.
   * @example
   * const means = await da.mean("time").values();
   */
  values(options?: ComputeOptions): Promise<TypedValues> {
    return computeValues(this.plan, options);
  }

  /** Evaluates the plan into an array held in memory (same dims, coords and attrs). */
  async compute(options?: ComputeOptions): Promise<DataArray> {
    const values = await this.values(options);
    const variable: Variable = { name: this.name ?? "values", dims: this.dims, shape: this.shape, dtype: this.dtype, attrs: this.attrs, encoding: { missing: [] }, values: values as VariableData };
    return this.with({ plan: sourcePlan(variable) });
  }
  load = (options?: ComputeOptions): Promise<DataArray> => this.compute(options);

  /**
   * A coordinate as an array of its own (xarray's `da.time`, `da.lat`): dims, values and attributes.
   * @example
   * const weights = da.coord("lat").deg2rad().cos();
   */
  coord(name: string): DataArray {
    const c = this.coords[name];
    if (!c) throw new InvalidOperationError(`no coordinate "${name}" (coordinates: ${Object.keys(this.coords).join(", ") || "none"})`, { attribute: name });
    const variable: Variable = { name, dims: c.dims, shape: c.shape, dtype: c.dtype, attrs: c.attrs, encoding: { missing: [] }, values: c.values };
    const coords = Object.fromEntries(Object.entries(this.coords).filter(([, o]) => o.dims.every((d) => c.dims.includes(d))));
    return new DataArray({ plan: sourcePlan(variable), coords, attrs: c.attrs, name });
  }

  /**
   * Groups along time by a component (`"time.month"`, `season`, `year`, `dayofyear`, `day`, `hour`).
   * @example
   * const climatology = da.groupby("time.month").mean();
   * const anomaly = da.groupby("time.month").sub(climatology);
   */
  groupby(key: string): TimeGroupBy {
    return new TimeGroupBy(this, key);
  }

  /**
   * Contiguous time bins at a frequency (`1h`, `1D`, `MS`, `M`, `QS-DEC`, `YS`, ...), in the axis' calendar.
   * @example
   * const monthly = da.resample({ time: "MS" }).mean();
   */
  resample(frequency: Readonly<Record<string, string>>, options?: ResampleOptions): Resample {
    return new Resample(this, frequency, options);
  }

  /**
   * Moving windows along one dimension (`minPeriods` defaults to the window, as xarray).
   * @example
   * const weekly = da.rolling({ time: 7 }, { center: true }).mean();
   */
  rolling(windows: Readonly<Record<string, number>>, options?: RollingOptions): Rolling {
    return new Rolling(this, windows, options);
  }

  /**
   * Weighted reductions (weights aligned by dimension name; NaN data renormalises, NaN weights are an error).
   * @example
   * const globalMean = da.weighted(da.coord("lat").deg2rad().cos()).mean(["lat", "lon"]);
   */
  weighted(weights: DataArray): Weighted {
    return new Weighted(this, weights);
  }

  /**
   * Time components of a 1-D time array (`year month day hour minute second dayofyear date`), as arrays.
   * @example
   * const summer = da.where(da.coord("time").dt.month.isin([6, 7, 8]));
   */
  get dt(): TimeAccessor {
    return new TimeAccessor(this);
  }

  /**
   * Pads one dimension: `"constant"` (NaN), `"edge"` or `"wrap"` (circular windows).
   * @example
   * da.pad({ time: [3, 3] }, { mode: "wrap" });
   */
  pad(widths: Readonly<Record<string, readonly [number, number]>>, options?: { mode?: PadMode }): DataArray {
    return pad(this, widths, options);
  }

  /**
   * Shifts values circularly along one dimension (coordinates too with `rollCoords`).
   * @example
   * da.roll({ lon: 180 }, { rollCoords: true });
   */
  roll(shifts: Readonly<Record<string, number>>, options?: { rollCoords?: boolean }): DataArray {
    return roll(this, shifts, options);
  }

  /**
   * Linear interpolation onto new coordinates; `periodic: { lon: 360 }` interpolates across the seam.
   * @example
   * da.interp({ lat: [-60, 0, 60], lon: [0, 90, 359] }, { periodic: { lon: 360 } });
   */
  interp(targets: Readonly<Record<string, ArrayLike<number>>>, options?: InterpOptions): DataArray {
    return interp(this, targets, options);
  }

  /**
   * Forward fill along a dimension, at most `limit` NaN in a row.
   * @example
   * da.ffill("time", { limit: 2 });
   */
  ffill(dim: string, options?: { limit?: number }): DataArray {
    return forwardFill(this, dim, options);
  }

  /**
   * Linear interpolation of NaN along a dimension against its coordinate (ends stay NaN).
   * @example
   * da.interpolateNa("time");
   */
  interpolateNa(dim: string): DataArray {
    return interpolateMissing(this, dim);
  }

  /**
   * Runs `fn` over blocks of this array (the escape hatch for custom numerics), on worker threads when the
   * computation has a pool. See user-blocks.ts for what a function may use.
   * @example
   * const rate = accumulated.mapBlocks((blocks, info) => blocks[0].map((x) => x / info.args[0]), { args: [3600] });
   */
  mapBlocks(fn: BlockFunction | BlockModule, options?: ApplyOptions): DataArray {
    return applyUfunc(fn, [this], options);
  }

  /** The array as a `Variable` computed chunk by chunk when read (what `writeDataset` streams). */
  toVariable(name = this.name ?? "values", options: ComputeOptions = {}): Variable {
    return planVariable(name, this.plan, this.attrs, undefined, options);
  }
}

/** Result dtype of a float function of an integer array: numpy's smallest float that holds it. */
const withFloat = (d: DType): DType => promote(d, "float16");

/** zarrita dtype name of values in memory. */
export function dtypeOfValues(values: VariableData): string {
  if (Array.isArray(values)) return "string";
  const names: [new (...a: never[]) => unknown, string][] = [
    [Float64Array, "float64"], [Float32Array, "float32"], [Int8Array, "int8"], [Int16Array, "int16"], [Int32Array, "int32"],
    [BigInt64Array, "int64"], [Uint8Array, "uint8"], [Uint16Array, "uint16"], [Uint32Array, "uint32"], [BigUint64Array, "uint64"],
  ];
  return names.find(([C]) => values instanceof C)?.[1] ?? "float64";
}

/** A 1-D dimension coordinate from values. */
export function toCoord(dim: string, values: VariableData | readonly number[]): Coordinate {
  const v = (Array.isArray(values) && typeof values[0] !== "string" ? Float64Array.from(values as unknown as number[]) : values) as VariableData;
  return { dims: [dim], shape: [v.length], values: v, dtype: dtypeOfValues(v), attrs: {} };
}
