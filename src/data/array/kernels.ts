/**
 * @module Elementwise kernels: small pure functions over float64 blocks of one shape. `map` nodes name one of
 * them; numeric arguments (a scalar operand, clip bounds, isin's values, round's decimals) come in `args`.
 */

type Unary = (x: number, args: readonly number[]) => number;
type Binary = (x: number, y: number) => number;

const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const isnan = (x: number): boolean => x !== x;
const DEG = Math.PI / 180;

/** One-input functions (numpy ufuncs and xarray's isnull/fillna/clip/isin). */
export const UNARY: Readonly<Record<string, Unary>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  deg2rad: (x) => x * DEG,
  rad2deg: (x) => x / DEG,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  sign: (x) => (isnan(x) ? x : Math.sign(x)),
  round: (x, [decimals = 0]) => (decimals === 0 ? roundHalfEven(x) : roundHalfEven(x * 10 ** decimals) / 10 ** decimals),
  isnull: (x) => (isnan(x) ? 1 : 0),
  notnull: (x) => (isnan(x) ? 0 : 1),
  not: (x) => (x === 0 ? 1 : 0),
  fillna: (x, [value = 0]) => (isnan(x) ? value : x),
  // numpy's clip: NaN stays NaN; a missing bound is NaN in args.
  clip: (x, [lo = NaN, hi = NaN]) => (isnan(x) ? x : !isnan(hi) && x > hi ? hi : !isnan(lo) && x < lo ? lo : x),
  isin: (x, values) => (values.includes(x) ? 1 : 0),
  // The cast itself happens in applyMap's `cast` (the node's dtype).
  astype: (x) => x,
};

const floorDiv: Binary = (x, y) => Math.floor(x / y);
const pyMod: Binary = (x, y) => {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
};

/** Two-input functions; with a scalar, `r`-prefixed names put the scalar on the left. */
export const BINARY: Readonly<Record<string, Binary>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => x ** y,
  mod: pyMod,
  floordiv: floorDiv,
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
  and: (x, y) => (x !== 0 && y !== 0 ? 1 : 0),
  or: (x, y) => (x !== 0 || y !== 0 ? 1 : 0),
  xor: (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0),
  minimum: (x, y) => (isnan(x) || isnan(y) ? NaN : Math.min(x, y)),
  maximum: (x, y) => (isnan(x) || isnan(y) ? NaN : Math.max(x, y)),
  arctan2: Math.atan2,
  // combineFirst / fillna with an array: x where it is valid, else y.
  fillna: (x, y) => (isnan(x) ? y : x),
};

/** Names of every elementwise function a `map` node may use. */
export const MAP_FUNCTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(UNARY),
  ...Object.keys(BINARY),
  ...Object.keys(BINARY).map((n) => `r${n}`),
  "where",
]);

/**
 * Applies `fn` to same-shaped inputs into `out`, then `cast` (rounding to the node's dtype, e.g. float32 after
 * every operation, as numpy computes in float32). Binary functions with one input take the scalar in args[0].
 */
export function applyMap(fn: string, inputs: readonly Float64Array[], args: readonly number[], out: Float64Array, cast: (x: number) => number): void {
  const n = out.length;
  const [a, b, c] = inputs;
  if (inputs.length <= 2 && arithmetic(fn, a!, b, args[0]!, out, cast)) return;
  if (fn === "where") {
    // where(cond, x, y); y may be a scalar in args[0].
    for (let i = 0; i < n; i++) out[i] = cast(a![i] !== 0 ? b![i]! : c ? c[i]! : args[0]!);
    return;
  }
  const unary = b ? undefined : UNARY[fn];
  if (unary) {
    for (let i = 0; i < n; i++) out[i] = cast(unary(a![i]!, args));
    return;
  }
  const reflected = fn.startsWith("r") && !BINARY[fn] ? BINARY[fn.slice(1)] : undefined;
  const binary = BINARY[fn] ?? reflected;
  if (!binary) throw new Error(`unknown elementwise function "${fn}"`);
  if (b) for (let i = 0; i < n; i++) out[i] = cast(binary(a![i]!, b[i]!));
  else if (reflected) for (let i = 0, s = args[0]!; i < n; i++) out[i] = cast(binary(s, a![i]!));
  else for (let i = 0, s = args[0]!; i < n; i++) out[i] = cast(binary(a![i]!, s));
}

/** The cast of float64 results (none): detected by value, so callers need not pass a marker. */
const isIdentity = (cast: (x: number) => number): boolean => cast(0.1) === 0.1 && cast(16777217.5) === 16777217.5 && cast(-1e300) === -1e300;

/**
 * add/sub/mul/div in float64 or float32 with one loop per case: the generic loop calls a different function
 * through one call site for every op, which V8 cannot inline (~5x slower on the anomaly and eddy-flux ops).
 * Same operations and rounding as the generic path. False when not one of these cases.
 */
export function arithmetic(fn: string, a: Float64Array, b: Float64Array | undefined, s: number, out: Float64Array, cast: (x: number) => number): boolean {
  const f32 = cast === Math.fround;
  if (!f32 && !isIdentity(cast)) return false;
  const n = out.length;
  const r = fn.length === 4 && fn[0] === "r";
  const op = r ? fn.slice(1) : fn;
  if (op !== "add" && op !== "sub" && op !== "mul" && op !== "div") return false;
  // float32 results as numpy's: each operation rounded once, in the same pass (one loop per case and dtype).
  if (f32) {
    const f = Math.fround;
    if (b) {
      if (op === "add") for (let i = 0; i < n; i++) out[i] = f(a[i]! + b[i]!);
      else if (op === "sub") for (let i = 0; i < n; i++) out[i] = f(a[i]! - b[i]!);
      else if (op === "mul") for (let i = 0; i < n; i++) out[i] = f(a[i]! * b[i]!);
      else for (let i = 0; i < n; i++) out[i] = f(a[i]! / b[i]!);
    } else if (op === "add") for (let i = 0; i < n; i++) out[i] = f(a[i]! + s);
    else if (op === "mul") for (let i = 0; i < n; i++) out[i] = f(a[i]! * s);
    else if (op === "sub") {
      if (r) for (let i = 0; i < n; i++) out[i] = f(s - a[i]!);
      else for (let i = 0; i < n; i++) out[i] = f(a[i]! - s);
    } else if (r) for (let i = 0; i < n; i++) out[i] = f(s / a[i]!);
    else for (let i = 0; i < n; i++) out[i] = f(a[i]! / s);
    return true;
  }
  if (b) {
    if (op === "add") for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
    else if (op === "sub") for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
    else if (op === "mul") for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
    else for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
  } else if (op === "add") for (let i = 0; i < n; i++) out[i] = a[i]! + s;
  else if (op === "mul") for (let i = 0; i < n; i++) out[i] = a[i]! * s;
  else if (op === "sub") {
    if (r) for (let i = 0; i < n; i++) out[i] = s - a[i]!;
    else for (let i = 0; i < n; i++) out[i] = a[i]! - s;
  } else if (r) for (let i = 0; i < n; i++) out[i] = s / a[i]!;
  else for (let i = 0; i < n; i++) out[i] = a[i]! / s;
  return true;
}
