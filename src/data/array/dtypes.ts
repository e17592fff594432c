/**
 * @module Data types of lazy arrays and numpy's (1.24) rules for them: promotion in arithmetic, result types of
 * reductions, casts with `astype`. Values are computed in float64 and stored in the dtype's typed array.
 */
import { UnsupportedError } from "../errors.ts";

export const DTYPES = [
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float16",
  "float32",
  "float64",
] as const;
export type DType = (typeof DTYPES)[number];

export type TypedValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** The dtype, or a clear error naming the supported ones (never a silent cast). */
export function parseDType(name: string, what = "dtype"): DType {
  if ((DTYPES as readonly string[]).includes(name)) return name as DType;
  throw new UnsupportedError(`unsupported ${what} "${name}" (supported: ${DTYPES.join(", ")})`, { attribute: "dtype" });
}

const kind = (d: DType): "b" | "i" | "u" | "f" => (d === "bool" ? "b" : d[0] === "i" ? "i" : d[0] === "u" ? "u" : "f");
const bytes = (d: DType): number => (d === "bool" ? 1 : Number(d.replace(/\D/g, "")) / 8);
const make = (k: "i" | "u" | "f", size: number): DType =>
  (k === "f" ? `float${size * 8}` : `${k === "i" ? "int" : "uint"}${size * 8}`) as DType;

export const isFloat = (d: DType): boolean => kind(d) === "f";
export const isInteger = (d: DType): boolean => kind(d) === "i" || kind(d) === "u";

/** numpy's result type of an operation between two arrays. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  const [ka, kb] = [kind(a), kind(b)];
  if (ka === "b") return b;
  if (kb === "b") return a;
  if (ka === "f" && kb === "f") return make("f", Math.max(bytes(a), bytes(b)));
  if (ka === "f" || kb === "f") {
    const [f, i] = ka === "f" ? [a, b] : [b, a];
    // The smallest float that holds every value of the integer type.
    const needed = bytes(i) === 1 ? 2 : bytes(i) === 2 ? 4 : 8;
    return make("f", Math.max(bytes(f), needed));
  }
  if (ka === kb) return make(ka, Math.max(bytes(a), bytes(b)));
  const [s, u] = ka === "i" ? [a, b] : [b, a];
  if (bytes(s) > bytes(u)) return s;
  return bytes(u) >= 8 ? "float64" : make("i", bytes(u) * 2);
}

/** numpy 1.24's value-based result type of an array with a JavaScript number. */
export function promoteScalar(a: DType, value: number): DType {
  if (Number.isInteger(value)) return a === "bool" ? "int64" : a;
  return isFloat(a) ? a : "float64";
}

/** Result dtype of a reduction of `d` (numpy's: sums widen integers, means of integers are float64). */
export function reducedDType(fn: string, d: DType): DType {
  if (fn === "count") return "int64";
  if (fn === "sum" || fn === "prod") return kind(d) === "f" ? d : kind(d) === "u" ? "uint64" : "int64";
  if (fn === "min" || fn === "max") return d;
  if (fn === "any" || fn === "all") return "bool";
  return isFloat(d) ? d : "float64";
}

/** An empty typed array of `n` elements of dtype `d` (float16 is held in a Float32Array). */
export function allocate(d: DType, n: number): TypedValues {
  switch (d) {
    case "bool":
    case "uint8":
      return new Uint8Array(n);
    case "int8":
      return new Int8Array(n);
    case "int16":
      return new Int16Array(n);
    case "int32":
      return new Int32Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "uint16":
      return new Uint16Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "uint64":
      return new BigUint64Array(n);
    case "float16":
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
  }
}

/** Stores float64 values as dtype `d` (values already cast, see `castValue`). */
export function toTyped(d: DType, values: Float64Array): TypedValues {
  if (d === "float64") return values;
  const out = allocate(d, values.length);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
  } else (out as Float32Array).set(values);
  return out;
}

/** Reads any typed array (or numbers) into float64. */
export function toFloat64(values: ArrayLike<number | bigint>): Float64Array {
  if (values instanceof Float64Array) return values;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float64Array.from(values, Number);
  return Float64Array.from(values as ArrayLike<number>);
}

const f16 = new Float32Array(1);
/** Rounds to the nearest float16 value (round half to even), with float16's range and subnormals. */
export function roundFloat16(x: number): number {
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity;
  const exponent = Math.max(Math.floor(Math.log2(a || 1)), -14);
  const quantum = 2 ** (exponent - 10);
  f16[0] = x;
  const q = Math.abs(f16[0]!) / quantum;
  let r = Math.round(q);
  if (Math.abs(q - Math.trunc(q) - 0.5) < 1e-12 && r % 2 === 1) r -= 1; // half to even
  return Math.sign(x) * r * quantum;
}

const RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-(2 ** 7), 2 ** 8],
  int16: [-(2 ** 15), 2 ** 16],
  int32: [-(2 ** 31), 2 ** 32],
  uint8: [0, 2 ** 8],
  uint16: [0, 2 ** 16],
  uint32: [0, 2 ** 32],
};

/** One value cast to dtype `d` as numpy's `astype` does: truncation toward zero, integer wrap-around. */
export function castValue(d: DType, x: number): number {
  if (d === "float64") return x;
  if (d === "float32") return Math.fround(x);
  if (d === "float16") return roundFloat16(x);
  if (d === "bool") return x !== 0 ? 1 : 0; // NaN is truthy in numpy
  if (!Number.isFinite(x)) return d === "int64" ? -(2 ** 63) : 0;
  const t = Math.trunc(x);
  const range = RANGE[d];
  if (!range) return t;
  const [lo, span] = range;
  return ((((t - lo) % span) + span) % span) + lo;
}
