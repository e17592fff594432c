/**
 * @module Reading float16 arrays (`<f2`, what compact archives store): zarrita 0.7.5 has no float16 type (Node 20
 * has no Float16Array), so the array is opened as uint16 with the same bytes and codecs, and each decoded chunk's
 * bits are widened to float32 exactly. floe then computes with the values as xarray does with float16
 * (`astype("float64")`, arithmetic, reductions). Writing float16 is the reverse: values rounded to float16 bits
 * (round half to even) and encoded as uint16 with the array's codecs, under float16 metadata.
 */
import type { Json } from "./metadata.ts";

/** The documents of a float16 array as a uint16 array with the same bytes (fill value: the NaN bit pattern). */
export function asUint16Docs<T>(docs: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(docs)) {
    const doc = value as Json;
    if (key.endsWith("/.zarray") || key === ".zarray") {
      out[key] = { ...doc, dtype: String(doc.dtype).replace("f2", "u2"), fill_value: halfBits(doc.fill_value) };
    } else if ((key.endsWith("/zarr.json") || key === "zarr.json") && doc.data_type === "float16") {
      out[key] = { ...doc, data_type: "uint16", fill_value: halfBits(doc.fill_value) ?? 0 };
    } else out[key] = doc;
  }
  return out as Record<string, T>;
}

/** float32 values (float16 values already: the engine rounds to float16) as their float16 bits. */
export function floatToHalf(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from({ length: values.length }, (_, i) => halfBits(values[i]!)!);
}

/** A Zarr fill value as float16 bits (null stays null). */
export function halfBits(fill: unknown): number | null {
  if (fill === null || fill === undefined) return null;
  const x = fill === "NaN" ? NaN : fill === "Infinity" ? Infinity : fill === "-Infinity" ? -Infinity : Number(fill);
  if (Number.isNaN(x)) return 0x7e00;
  if (!Number.isFinite(x)) return x > 0 ? 0x7c00 : 0xfc00;
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, x);
  const f = buffer.getUint32(0);
  // Fill values are float16 values already: dropping the extra mantissa bits is exact for them.
  const sign = (f >>> 16) & 0x8000;
  const exp = ((f >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign | (((f & 0x7fffff) | 0x800000) >>> (14 - exp));
  return sign | (exp << 10) | ((f >>> 13) & 0x3ff);
}

/** float16 bits to their exact float32 values. */
export function halfToFloat(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * frac * 2 ** -24 : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** A decoded chunk of a float16 array opened as uint16, with float32 values. */
export function widenChunk<T extends { data: unknown }>(chunk: T): T {
  return { ...chunk, data: halfToFloat(chunk.data as Uint16Array) };
}
