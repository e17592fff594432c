// @module CF packing as xarray 2023.01 does it (xarray/coding/variables.py): `_Unsigned`, then masking of
// `missing_value`/`_FillValue` (integers promoted: <=2 bytes to float32, else float64), then `scale_factor` /
// `add_offset` (float32 kept, <=2-byte integers to float32 unless there is an offset, else float64), and the
// reverse for writing. Pure functions over typed arrays, plain JavaScript so worker threads can import it
// (they do not inherit tsx's hooks). A plan is plain data: post it to a worker as it is. Types in cf-codec.d.mts.

const ARRAYS = {
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array,
};
const SIZE = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float16: 2, float32: 4, float64: 8 };
const isFloat = (dtype) => dtype.startsWith("float");
const isInt = (dtype) => dtype.startsWith("int") || dtype.startsWith("uint");

/** The typed array class of a numeric dtype; undefined for others (bool, strings, float16). */
export function arrayClass(dtype) {
  return ARRAYS[dtype];
}

// xarray's dtypes.maybe_promote for a masked array.
function promote(dtype) {
  if (isFloat(dtype)) return dtype === "float16" ? "float16" : dtype;
  if (isInt(dtype)) return SIZE[dtype] <= 2 ? "float32" : "float64";
  return undefined;
}

// xarray's _choose_float_dtype.
function chooseFloat(dtype, hasOffset) {
  if (isFloat(dtype) && SIZE[dtype] <= 4) return "float32";
  if (isInt(dtype) && SIZE[dtype] <= 2 && !hasOffset) return "float32";
  return "float64";
}

const number = (v) => (typeof v === "bigint" ? Number(v) : typeof v === "string" && v === "NaN" ? Number.NaN : v);
// A scale or offset given as a one-element list counts as its element (np.asarray(x).item()).
const scalar = (v) => (Array.isArray(v) ? (v.length === 1 ? number(v[0]) : Number.NaN) : number(v));

/**
 * The decoding plan of a variable stored as `raw` with CF `encoding`; `dtype` is what xarray would report.
 * Throws (plain Error, with the reason) for what xarray itself cannot decode here.
 */
export function cfPlan(raw, encoding = {}) {
  let dtype = raw;
  let view;
  const unsigned = encoding.unsigned;
  if (unsigned !== undefined && isInt(raw)) {
    // _Unsigned reinterprets the bits: int8 "true" -> uint8, uint8 "false" -> int8.
    if (unsigned === "true" && raw.startsWith("int")) view = `u${raw}`;
    if (unsigned === "false" && raw.startsWith("uint")) view = raw.slice(1);
    if (view) dtype = view;
  }
  const listed = [encoding.missingValue, encoding.fillValue].flatMap((v) => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]));
  const fills = [];
  for (const v of listed) {
    let f = number(v);
    if (typeof f !== "number" || Number.isNaN(f)) continue;
    if (view) f = reinterpret(f, view);
    if (!fills.includes(f)) fills.push(f);
  }
  let mask;
  if (fills.length > 0) {
    mask = promote(dtype);
    if (mask === undefined || mask === "float16") throw new Error(`cannot mask fill values of dtype "${dtype}"`);
    dtype = mask;
  }
  const scale = encoding.scaleFactor === undefined ? undefined : scalar(encoding.scaleFactor);
  const offset = encoding.addOffset === undefined ? undefined : scalar(encoding.addOffset);
  if (Number.isNaN(scale) || Number.isNaN(offset)) throw new Error("scale_factor and add_offset must be numbers");
  let scaled;
  if (scale !== undefined || offset !== undefined) {
    if (!isFloat(dtype) && !isInt(dtype)) throw new Error(`cannot scale dtype "${dtype}"`);
    scaled = chooseFloat(dtype, offset !== undefined);
    dtype = scaled;
  }
  const identity = !view && !mask && !scaled;
  if (!identity && !ARRAYS[raw]) throw new Error(`CF decoding of dtype "${raw}" is not supported`);
  return { raw, dtype, identity, view, fills, mask, scale, offset, scaled };
}

/**
 * Does a chunk need {@link decodeCF} before a reducer folds it? Not for floats that are only masked: reducers
 * skip `missing` values themselves, so raw float chunks (the fast path) stay as they are.
 */
export function needsDecoding(plan) {
  return !!plan && !plan.identity && !(plan.raw.startsWith("float") && !plan.view && !plan.scaled);
}

// A fill value written for the signed type, as the unsigned view sees it (np.uint8(-1) == 255) and back.
function reinterpret(value, dtype) {
  const bits = SIZE[dtype] * 8;
  if (bits === 64) return value;
  const span = 2 ** bits;
  const wrapped = ((value % span) + span) % span;
  return dtype.startsWith("uint") ? wrapped : wrapped >= span / 2 ? wrapped - span : wrapped;
}

const f32 = Math.fround;

/**
 * Decodes one chunk's raw values with a plan from {@link cfPlan}; returns `data` itself for an identity plan,
 * otherwise a new array of `plan.dtype` (or `out` when given, of that type and length).
 */
export function decodeCF(plan, data, out) {
  if (plan.identity) return data;
  let values = data;
  if (plan.view) values = new ARRAYS[plan.view](data.buffer, data.byteOffset, data.length);
  if (!plan.mask && !plan.scaled) return out ? (out.set(values), out) : new ARRAYS[plan.view](values);
  const target = out ?? new ARRAYS[plan.dtype](values.length);
  const n = values.length;
  // Masking compares in the promoted dtype (a float32 comparison rounds the fill to float32 as numpy does).
  const single = plan.mask === "float32";
  const fills = plan.fills.map((f) => (single && Number.isFinite(f32(f)) ? f32(f) : f));
  const bigint = typeof values[0] === "bigint";
  const masked = fills.length > 0;
  const f0 = fills[0];
  const scale = plan.scale;
  const offset = plan.offset;
  const scale32 = plan.scaled === "float32";
  const s = scale === undefined ? undefined : scale32 ? f32(scale) : scale;
  const o = offset === undefined ? undefined : scale32 ? f32(offset) : offset;
  for (let i = 0; i < n; i++) {
    let x = bigint ? Number(values[i]) : values[i];
    if (single) x = f32(x);
    if (masked && (x === f0 || (fills.length > 1 && fills.includes(x)))) {
      target[i] = Number.NaN;
      continue;
    }
    if (s !== undefined) x = scale32 ? f32(x * s) : x * s;
    if (o !== undefined) x = scale32 ? f32(x + o) : x + o;
    target[i] = x;
  }
  return target;
}

// numpy's around: round half to even.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function range(dtype) {
  if (dtype.endsWith("64")) return dtype.startsWith("u") ? [0, 2 ** 64 - 1] : [-(2 ** 63), 2 ** 63 - 1];
  const bits = SIZE[dtype] * 8;
  return dtype.startsWith("u") ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

/**
 * Encodes decoded values back to `plan.raw` as xarray's encoder does: subtract the offset, divide by the scale
 * (in float32 or float64 as decoding chose), NaN to the fill value, round half to even for integers. A value
 * that does not fit the raw type (or a NaN with no fill value) throws, naming the element, instead of wrapping.
 */
export function encodeCF(plan, data) {
  if (plan.identity) return data;
  const store = plan.view ?? plan.raw;
  const out = new ARRAYS[store](data.length);
  const intStore = isInt(store);
  const [lo, hi] = intStore ? range(store) : [-Infinity, Infinity];
  const single = plan.scaled === "float32";
  const s = plan.scale === undefined ? undefined : single ? f32(plan.scale) : plan.scale;
  const o = plan.offset === undefined ? undefined : single ? f32(plan.offset) : plan.offset;
  const fill = plan.fills.length > 0 ? plan.fills[plan.fills.length - 1] : undefined;
  const big = store.endsWith("64") && intStore;
  for (let i = 0; i < data.length; i++) {
    let x = typeof data[i] === "bigint" ? Number(data[i]) : data[i];
    if (Number.isNaN(x)) {
      if (fill === undefined) {
        if (intStore) throw new RangeError(`element ${i} is NaN and "${store}" has no _FillValue to store it`);
      } else x = fill;
    } else {
      if (o !== undefined) x = single ? f32(x - o) : x - o;
      if (s !== undefined) x = single ? f32(x / s) : x / s;
      if (intStore) x = roundHalfEven(x);
    }
    if (intStore && !(x >= lo && x <= hi)) throw new RangeError(`element ${i} (${data[i]}) does not fit "${store}" (packed: ${x})`);
    out[i] = big ? BigInt(x) : x;
  }
  if (!plan.view) return out;
  // _Unsigned: the unsigned values are stored in the signed type of the same size.
  return new ARRAYS[plan.raw](out.buffer, 0, out.length);
}
