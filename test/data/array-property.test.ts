/**
 * Property test: random chains of operations on small random arrays (random chunking, NaN holes) against a
 * plain reference written here with index loops. Seeded, so a failure names a chain that can be replayed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataArray, type Variable } from "floe/data";

/** A plain array: dims, shape and values in C order. */
interface Plain {
  dims: string[];
  shape: number[];
  data: number[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const strides = (shape: number[]) => shape.map((_, i) => size(shape.slice(i + 1)));
function* indices(shape: number[]): Generator<number[]> {
  const n = size(shape);
  for (let f = 0; f < n; f++) yield shape.map((_, i) => Math.floor(f / strides(shape)[i]!) % shape[i]!);
}
const at = (p: Plain, idx: Record<string, number>) => p.data[p.dims.reduce((o, d, i) => o + idx[d]! * strides(p.shape)[i]!, 0)]!;

/** The reference: each operation written the obvious way. */
const ref = {
  map: (p: Plain, f: (x: number) => number): Plain => ({ ...p, data: p.data.map(f) }),
  /** Broadcast by name: b's dims are a subset of a's. */
  binary: (a: Plain, b: Plain, f: (x: number, y: number) => number): Plain => ({
    ...a,
    data: [...indices(a.shape)].map((ix) => {
      const named = Object.fromEntries(a.dims.map((d, i) => [d, ix[i]!]));
      return f(at(a, named), at(b, named));
    }),
  }),
  isel: (p: Plain, dim: string, start: number, stop: number): Plain => {
    const k = p.dims.indexOf(dim);
    const shape = p.shape.map((n, i) => (i === k ? stop - start : n));
    const data = [...indices(shape)].map((ix) => at(p, Object.fromEntries(p.dims.map((d, i) => [d, i === k ? ix[i]! + start : ix[i]!]))));
    return { dims: p.dims, shape, data };
  },
  transpose: (p: Plain): Plain => {
    const dims = [...p.dims].reverse();
    const shape = [...p.shape].reverse();
    return { dims, shape, data: [...indices(shape)].map((ix) => at(p, Object.fromEntries(dims.map((d, i) => [d, ix[i]!])))) };
  },
  reduce: (p: Plain, dim: string, fn: string): Plain => {
    const k = p.dims.indexOf(dim);
    const dims = p.dims.filter((_, i) => i !== k);
    const shape = p.shape.filter((_, i) => i !== k);
    const data = [...indices(shape)].map((ix) => {
      const vals: number[] = [];
      for (let j = 0; j < p.shape[k]!; j++) {
        const full = [...ix];
        full.splice(k, 0, j);
        vals.push(at(p, Object.fromEntries(p.dims.map((d, i) => [d, full[i]!]))));
      }
      const ok = vals.filter((v) => !Number.isNaN(v));
      const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
      if (fn === "sum") return ok.reduce((a, b) => a + b, 0);
      if (fn === "count") return ok.length;
      if (ok.length === 0) return NaN;
      if (fn === "mean") return mean;
      if (fn === "min") return Math.min(...ok);
      if (fn === "max") return Math.max(...ok);
      return Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / ok.length); // std
    });
    return { dims, shape, data };
  },
};

/** A lazy array over `p`'s values, read through a generated variable with the given chunks. */
function lazy(p: Plain, chunks: number[]): DataArray {
  const values = Float64Array.from(p.data);
  const variable: Variable = {
    name: "x",
    dims: p.dims,
    shape: p.shape,
    dtype: "float64",
    attrs: {},
    encoding: { missing: [] },
    generated: {
      chunks,
      read: async (coords) => {
        const data = new Float64Array(size(chunks)).fill(NaN);
        for (const ix of indices(chunks)) {
          const g = ix.map((i, k) => coords[k]! * chunks[k]! + i);
          if (g.every((x, k) => x < p.shape[k]!)) data[ix.reduce((o, x, k) => o + x * strides(chunks)[k]!, 0)] = values[g.reduce((o, x, k) => o + x * strides(p.shape)[k]!, 0)]!;
        }
        return { data, shape: chunks, stride: strides(chunks) } as never;
      },
    },
  };
  return DataArray.fromVariable(variable);
}

test("random chains of operations agree with a plain reference", async () => {
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const shape = [int(1, 5), int(1, 5), int(1, 5)];
    const random = (s: number[]): number[] => Array.from({ length: size(s) }, () => (r() < 0.1 ? NaN : Math.round((r() * 20 - 10) * 100) / 100));
    let plain: Plain = { dims: ["a", "b", "c"], shape, data: random(shape) };
    let da = lazy(plain, shape.map((n) => int(1, n)));
    const steps: string[] = [];
    for (let s = 0; s < 4 && plain.dims.length > 0; s++) {
      const op = int(0, 8);
      const dim = plain.dims[int(0, plain.dims.length - 1)]!;
      const k = Math.round(r() * 50) / 10;
      if (op === 0) [da, plain] = [da.add(k), ref.map(plain, (x) => x + k)];
      else if (op === 1) [da, plain] = [da.mul(k), ref.map(plain, (x) => x * k)];
      else if (op === 2) [da, plain] = [da.abs().sqrt(), ref.map(plain, (x) => Math.sqrt(Math.abs(x)))];
      else if (op === 3) {
        const bdims = plain.dims.filter(() => r() < 0.6);
        const bshape = bdims.map((d) => plain.shape[plain.dims.indexOf(d)]!);
        const b: Plain = { dims: bdims, shape: bshape, data: random(bshape) };
        [da, plain] = [da.sub(lazy(b, bshape.map((n) => int(1, n)))), ref.binary(plain, b, (x, y) => x - y)];
        steps.push(`sub(${bdims.join(",")})`);
        continue;
      } else if (op === 4) {
        const n = plain.shape[plain.dims.indexOf(dim)]!;
        const start = int(0, n - 1);
        const stop = int(start + 1, n);
        [da, plain] = [da.isel({ [dim]: { kind: "slice", start, stop, step: undefined } }), ref.isel(plain, dim, start, stop)];
      } else if (op === 5) [da, plain] = [da.transpose(), ref.transpose(plain)];
      else if (op === 6) {
        const fn = (["mean", "sum", "min", "max", "count", "std"] as const)[int(0, 5)]!;
        [da, plain] = [fn === "count" ? da.count(dim).astype("float64") : da[fn](dim), ref.reduce(plain, dim, fn)];
        steps.push(`${fn}(${dim})`);
        continue;
      } else if (op === 7) [da, plain] = [da.where(da.gt(0)), ref.map(plain, (x) => (x > 0 ? x : NaN))];
      else [da, plain] = [da.fillna(k), ref.map(plain, (x) => (Number.isNaN(x) ? k : x))];
      steps.push(["add", "mul", "sqrt(abs)", "", "isel", "transpose", "", "where(>0)", "fillna"][op]! + (op === 4 ? `(${dim})` : ""));
    }
    const chain = `seed ${seed}: ${steps.join(" -> ")}`;
    assert.deepEqual([...da.dims], plain.dims, `${chain}: dims`);
    assert.deepEqual([...da.shape], plain.shape, `${chain}: shape`);
    const got = Array.from((await da.values()) as Float64Array);
    plain.data.forEach((want, i) => {
      const v = got[i]!;
      assert.ok(Number.isNaN(want) ? Number.isNaN(v) : Math.abs(v - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${chain}: [${i}] ${v} != ${want}`);
    });
  }
});
