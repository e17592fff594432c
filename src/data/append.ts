/**
 * @module `appendDataset`: nightly ingestion, as `ds.to_zarr(store, append_dim="time")`. Everything is checked
 * before the first byte is written, so a refused append leaves the group (and a session) untouched: every
 * variable exists with the same dimensions and decoded dtype, non-append dimensions have the stored sizes,
 * variables without the append dimension (coordinates such as lat/lon) hold the stored values, an explicit CF
 * encoding equals the stored one, and the new times decode (CF, any calendar) strictly after the stored ones,
 * in order. New times are re-encoded into the stored units; values are encoded with the stored encoding, into
 * the stored Zarr format (v2 or v3) and chunk keys.
 */
import { dayNumber } from "./calendar.ts";
import { decodeTime, type TimeAxis } from "./cf-time.ts";
import { type Dataset, type Variable, readVariable } from "./dataset.ts";
import { InvalidDatasetError, UnsupportedError, where, type DataErrorContext } from "./errors.ts";
import type { Json } from "./metadata.ts";
import { type Source, openDataset, resolveStore } from "./open.ts";
import { type ArrayTarget, writeRegionChunks } from "./write-chunks.ts";
import { storeShape, storedTarget } from "./write-target.ts";

export interface AppendOptions {
  /** The dimension to append along (default `time`); its coordinate variable must hold CF time. */
  dim?: string | undefined;
  /** Chunks written at once per variable (default 4). */
  concurrency?: number | undefined;
}

const refuse = (ctx: DataErrorContext, message: string): never => {
  throw new InvalidDatasetError(`${where(ctx)}: cannot append: ${message}`, ctx);
};

/** Seconds since the calendar's day 0 of each decoded date (NaN where missing). */
function absoluteSeconds(axis: TimeAxis): Float64Array {
  return Float64Array.from(axis.dates, (d) =>
    d ? dayNumber(axis.calendar, d.year, d.month, d.day) * 86400 + d.hour * 3600 + d.minute * 60 + d.second : Number.NaN,
  );
}

/** The new times in the stored units, checked to come strictly after the stored ones and in order. */
async function appendedTimes(stored: Variable, added: Variable, ctx: DataErrorContext): Promise<Float64Array> {
  const storedAxis = decodeTime((await readVariable(stored)) as ArrayLike<number>, { ...stored.attrs, ...fillAttr(stored) }, ctx);
  const addedAxis = decodeTime((await readVariable(added)) as ArrayLike<number>, { ...added.attrs, ...fillAttr(added) }, ctx);
  if (storedAxis.calendar !== addedAxis.calendar) refuse(ctx, `calendar "${addedAxis.calendar}" differs from the stored "${storedAxis.calendar}"`);
  const before = absoluteSeconds(storedAxis);
  const after = absoluteSeconds(addedAxis);
  const last = before.reduce((m, x) => (x > m ? x : m), -Infinity);
  for (let i = 0; i < after.length; i++) {
    if (Number.isNaN(after[i]!)) refuse(ctx, `new time ${i} is missing`);
    if (after[i]! <= (i === 0 ? last : after[i - 1]!)) {
      const what = i === 0 ? `the last stored time` : `the new time before it`;
      refuse(ctx, `new time ${i} (${String(added.attrs.units)}: ${Number((await readVariable(added))[i])}) is not after ${what}; appended times must come strictly after the stored ones, in order`);
    }
  }
  const { reference: r } = storedAxis.units;
  const origin = dayNumber(storedAxis.calendar, r.year, r.month, r.day) * 86400 + r.hour * 3600 + r.minute * 60 + r.second;
  return after.map((s) => (s - origin) / storedAxis.units.seconds);
}

const fillAttr = (v: Variable): Json => (v.encoding.fillValue === undefined ? {} : { _FillValue: v.encoding.fillValue });

/** Equal values (NaN equals NaN), else the first differing index. */
function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number | undefined {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && !(typeof x === "number" && typeof y === "number" && Number.isNaN(x) && Number.isNaN(y))) return i;
  }
  return undefined;
}

const show = (x: unknown): string => (x === undefined ? "(none)" : JSON.stringify(x));
const CF_KEYS = ["dtype", "scaleFactor", "addOffset", "fillValue", "missingValue", "unsigned"] as const;

function checkEncoding(old: Variable, v: Variable, ctx: DataErrorContext): void {
  // A variable computed in memory carries no stored encoding: it is written with the stored one.
  if (v.encoding.dtype === undefined && v.encoding.scaleFactor === undefined && v.encoding.addOffset === undefined) return;
  for (const key of CF_KEYS) {
    const [a, b] = [old.encoding[key], v.encoding[key]];
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) refuse({ ...ctx, attribute: key }, `encoding ${key} ${show(b)} differs from the stored ${show(a)}`);
  }
}

/**
 * Appends `dataset` to the stored group along `dim` (default `time`). Refused, with nothing written, when
 * the two do not match (see the module comment).
 * @example
 * await appendDataset(session, "xarray/ocean-temp", today);
 * await session.commit("append 2024-05-02");
 */
export async function appendDataset(target: Source, group: string, dataset: Dataset, options: AppendOptions = {}): Promise<void> {
  const dim = options.dim ?? "time";
  const path = group.replace(/^\/+|\/+$/g, "");
  const stored = await openDataset(target, { group: path });
  const ctx = { group: path };
  if (!(dim in stored.dims)) refuse(ctx, `the stored group has no "${dim}" dimension (dimensions: ${Object.keys(stored.dims).join(", ")})`);
  const added = dataset.dims[dim] ?? refuse(ctx, `the new data has no "${dim}" dimension`);
  const length = stored.dims[dim]!;
  const missing = Object.keys(stored.variables).filter((n) => stored.variables[n]!.dims.includes(dim) && !(n in dataset.variables));
  if (missing.length > 0) refuse(ctx, `variables ${missing.join(", ")} along "${dim}" are missing from the new data`);
  const writes: { v: Variable; old: Variable; shape: number[]; target: ArrayTarget }[] = [];
  let times: StoredTimes | undefined;
  for (const v of Object.values(dataset.variables)) {
    const vctx = { group: path, variable: v.name };
    const old = stored.variables[v.name] ?? refuse(vctx, "not in the stored group (appending adds times, not variables)");
    if (old.dims.join() !== v.dims.join()) refuse(vctx, `dimensions (${v.dims.join(", ")}) differ from the stored (${old.dims.join(", ")})`);
    if (v.name !== dim && old.dtype !== v.dtype) refuse({ ...vctx, attribute: "dtype" }, `dtype "${v.dtype}" differs from the stored "${old.dtype}"`);
    if (!old.lazy) refuse(vctx, "the stored variable is not a Zarr array");
    v.dims.forEach((d, i) => {
      if (d !== dim && v.shape[i] !== old.shape[i]) refuse(vctx, `dimension "${d}" has ${v.shape[i]} elements, the stored ${old.shape[i]}`);
    });
    checkEncoding(old, v, vctx);
    if (!v.dims.includes(dim)) {
      const at = firstDifference(await readVariable(v), await readVariable(old));
      if (at !== undefined) refuse(vctx, `values differ from the stored ones (first at index ${at}); "${v.name}" has no "${dim}" dimension, so it must match`);
      continue;
    }
    if (v.name === dim) times = toStored(await appendedTimes(old, v, vctx), old.encoding.dtype ?? old.dtype, vctx);
    // Planned now, so an array floe cannot encode (a v2 filter) refuses the append before anything is written.
    const shape = old.shape.map((n, i) => (v.dims[i] === dim ? length + added : n));
    writes.push({ v, old, shape, target: storedTarget(resolveStore(target), old as Stored, vctx, shape) });
  }
  if (!times) refuse(ctx, `no "${dim}" coordinate variable in the new data`);
  const store = resolveStore(target);
  // Shapes first (Icechunk checks chunk keys against them), then the chunks; a session commits both at once.
  // Zarr v2 and v3 alike: each array keeps its format, keys and consolidated metadata (write-target.ts).
  for (const { old, shape } of writes) await storeShape(store, path, old as Stored, shape);
  for (const { v, old, target: into } of writes) {
    const axis = v.dims.indexOf(dim);
    const source = v.name === dim ? { ...v, dtype: old.dtype, lazy: undefined, generated: undefined, values: times! } : v;
    const origin = v.dims.map((_, i) => (i === axis ? length : 0));
    await writeRegionChunks(into, source, { origin, partial: "merge", concurrency: options.concurrency, ctx: { group: path, variable: v.name } });
  }
}

type Stored = Parameters<typeof storeShape>[2];

type StoredTimes = Float64Array | BigInt64Array | Int32Array | Float32Array;

/** Time values in the stored dtype; an integer dtype that cannot hold them exactly is refused. */
function toStored(values: Float64Array, dtype: string, ctx: DataErrorContext): StoredTimes {
  if (dtype === "float64") return values;
  if (dtype === "float32") return Float32Array.from(values);
  if (!values.every((x) => Number.isInteger(x))) {
    refuse({ ...ctx, attribute: "units" }, `the new times are not whole numbers of the stored units, which are stored as ${dtype}`);
  }
  if (dtype === "int64") return BigInt64Array.from(values, (x) => BigInt(x));
  if (dtype === "int32") return Int32Array.from(values);
  throw new UnsupportedError(`${where(ctx)}: cannot append to times stored as ${dtype}`, ctx);
}
